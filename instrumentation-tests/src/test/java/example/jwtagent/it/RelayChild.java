package example.jwtagent.it;

import java.net.URI;

/**
 * Main of a {@link ChildJvm}: Tomcat 11 running {@link RelayApp}, announced as {@code READY <port>},
 * until standard input closes.
 */
public final class RelayChild {
    private RelayChild() {
    }

    public static void main(String[] args) throws Exception {
        TomcatJakartaServer server = new TomcatJakartaServer(2);
        System.out.println(ChildJvm.READY + URI.create(server.baseUrl()).getPort());
        System.out.flush();
        System.in.readAllBytes();
        server.close();
        System.exit(0);
    }
}
