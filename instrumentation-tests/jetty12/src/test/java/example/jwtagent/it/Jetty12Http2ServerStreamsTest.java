package example.jwtagent.it;

import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

/** Jetty 12 (ee10) as an h2c server on its default pool (reserved threads on): see {@link ManyStreamsOneConnection}. */
class Jetty12Http2ServerStreamsTest {

    @Test
    void eachStreamRunsWithItsOwnToken() throws Exception {
        try (Downstream downstream = new Downstream()) {
            ManyStreamsOneConnection streams = new ManyStreamsOneConnection(downstream);
            Server jetty = Jetty12Server.started(null, Jetty12Server.context("/", streams.servlet()),
                    new HTTP2CServerConnectionFactory(new HttpConfiguration()));
            try {
                streams.eachStreamRunsWithItsOwnToken(Jetty12Server.portOf(jetty), 20_000);
            } finally {
                jetty.stop();
            }
        }
    }
}
