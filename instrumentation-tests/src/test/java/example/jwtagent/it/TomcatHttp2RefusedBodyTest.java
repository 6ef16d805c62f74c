package example.jwtagent.it;

import org.junit.jupiter.api.Test;

/** Tomcat 11 over HTTP/2: see {@link RefusedBodyStreams}. */
class TomcatHttp2RefusedBodyTest {

    @Test
    void streamsAfterRefusedOnesWithBodiesAreStillServed() throws Exception {
        try (Downstream downstream = new Downstream()) {
            org.apache.catalina.startup.Tomcat tomcat = new org.apache.catalina.startup.Tomcat();
            tomcat.setBaseDir(java.nio.file.Files.createTempDirectory("tomcat-h2-body").toString());
            org.apache.catalina.connector.Connector connector = new org.apache.catalina.connector.Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            connector.addUpgradeProtocol(new org.apache.coyote.http2.Http2Protocol());
            tomcat.setConnector(connector);
            org.apache.catalina.Context context = tomcat.addContext("", null);
            org.apache.catalina.startup.Tomcat.addServlet(context, "app", new RefusedBodyStreams.ReadingServlet(downstream));
            context.addServletMappingDecoded("/*", "app");
            tomcat.start();
            try {
                RefusedBodyStreams.aValidStreamIsServedAfterRefusedOnes(connector.getLocalPort(), 4, 40_000, downstream);
            } finally {
                tomcat.stop();
                tomcat.destroy();
            }
        }
    }
}
