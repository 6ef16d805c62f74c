package example.jwtagent.it;

import org.junit.jupiter.api.Test;

/**
 * Tomcat 11 as an h2c server on 24 worker threads (fewer starve: blocked readers leave none to read
 * the connection), each remembering the header it last verified: see {@link ManyStreamsOneConnection}.
 */
class TomcatHttp2ServerStreamsTest {

    @Test
    void eachStreamRunsWithItsOwnToken() throws Exception {
        try (Downstream downstream = new Downstream()) {
            ManyStreamsOneConnection streams = new ManyStreamsOneConnection(downstream);
            org.apache.catalina.startup.Tomcat tomcat = new org.apache.catalina.startup.Tomcat();
            tomcat.setBaseDir(java.nio.file.Files.createTempDirectory("tomcat-h2-streams").toString());
            org.apache.catalina.connector.Connector connector = new org.apache.catalina.connector.Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            connector.setProperty("maxThreads", "24");
            connector.setProperty("minSpareThreads", "1");
            org.apache.coyote.http2.Http2Protocol h2 = new org.apache.coyote.http2.Http2Protocol();
            h2.setMaxConcurrentStreamExecution(200);
            h2.setMaxConcurrentStreams(200);
            connector.addUpgradeProtocol(h2);
            tomcat.setConnector(connector);
            org.apache.catalina.Context context = tomcat.addContext("", null);
            org.apache.catalina.Wrapper wrapper = org.apache.catalina.startup.Tomcat.addServlet(context, "app", streams.servlet());
            wrapper.setAsyncSupported(true);
            context.addServletMappingDecoded("/*", "app");
            tomcat.start();
            try {
                streams.eachStreamRunsWithItsOwnToken(connector.getLocalPort(), 2_000);
            } finally {
                tomcat.stop();
                tomcat.destroy();
            }
        }
    }
}
