package example.jwtagent.it;

import java.net.URI;

/** Main of a {@link ChildJvm}: {@link Jetty12Server} running {@link RelayApp}, announced as {@code READY <port>}, until standard input closes. */
public final class Jetty12RelayChild {
    private Jetty12RelayChild() {
    }

    public static void main(String[] args) throws Exception {
        Jetty12Server server = new Jetty12Server(2);
        System.out.println(ChildJvm.READY + URI.create(server.baseUrl()).getPort());
        System.out.flush();
        System.in.readAllBytes();
        server.close();
        System.exit(0);
    }
}
