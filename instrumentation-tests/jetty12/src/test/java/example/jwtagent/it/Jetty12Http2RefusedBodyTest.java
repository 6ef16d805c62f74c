package example.jwtagent.it;

import org.junit.jupiter.api.Test;

/** Jetty 12 (ee10) over HTTP/2: see {@link RefusedBodyStreams}. */
class Jetty12Http2RefusedBodyTest {

    @Test
    void streamsAfterRefusedOnesWithBodiesAreStillServed() throws Exception {
        try (Downstream downstream = new Downstream()) {
            org.eclipse.jetty.server.Server jetty = Jetty12Server.started(new org.eclipse.jetty.util.thread.QueuedThreadPool(8, 3),
                    Jetty12Server.context("/", new RefusedBodyStreams.ReadingServlet(downstream)),
                    new org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory(new org.eclipse.jetty.server.HttpConfiguration()));
            try {
                RefusedBodyStreams.aValidStreamIsServedAfterRefusedOnes(Jetty12Server.portOf(jetty), 4, 40_000, downstream);
            } finally {
                jetty.stop();
            }
        }
    }
}
