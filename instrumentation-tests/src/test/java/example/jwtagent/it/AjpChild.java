package example.jwtagent.it;

/**
 * Main of a {@link ChildJvm}: Tomcat 11 behind an AJP connector (shared secret {@code proxy-secret},
 * request attributes of the agent's names let through) with {@link TomcatAjpTest.App}, which calls
 * the URL in its {@code downstream} query parameter. Prints {@code READY <AJP port>}.
 */
public final class AjpChild {
    private AjpChild() {
    }

    public static void main(String[] args) throws Exception {
        OneContextTomcat tomcat = new OneContextTomcat("ajp-child").servlet(new TomcatAjpTest.App(), false)
                .ajp(TomcatAjpTest.SECRET, "jwt\\.agent\\..*");
        tomcat.start();
        System.out.println(ChildJvm.READY + tomcat.ajpPort());
        System.out.flush();
        System.in.readAllBytes();
        tomcat.close();
        System.exit(0);
    }
}
