package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jetty 12's client sends the application's own {@code Request} object: the header the agent adds
 * must not stay on it once sent. Application code that reads the sent request's headers (to log
 * them) or copies them onto a new request to another host (a fall-back instance) would otherwise
 * get the token as if it were a header of its own, and the agent, finding the header "already
 * set", would let it go to a host that is not allowed.
 */
class JettyClient12ReadBackTest {
    @Test
    void headersCopiedFromASentRequestTakeNoTokenToAHostNotAllowed() throws Exception {
        String alice = Tokens.valid("alice");
        try (Downstream allowed = new Downstream(); Downstream other = new Downstream();
             ChildJvm child = ChildJvm.main(JettyClient12ReadBackChild.class).classPath(ChildJvm.libsAndTestClasses("jetty12"))
                     .argument(alice).argument(allowed.allowedUrl("/orders")).argument(other.notAllowedUrl("/fallback")).start()) {
            assertEquals(List.of("Bearer " + alice), allowed.takeAuthorization(), "the allowed host gets the token");
            assertEquals(List.of(), other.takeAuthorization(), "the host not allowed got the token through copied headers");
            assertTrue(child.output().contains("AFTER-SEND-SHOWS-TOKEN false"), "the sent request still shows the token: "
                    + child.output().replace(alice, "<alice>"));
        }
    }

    /** The same after a first request that failed (nothing listens there), as a fall-back to another instance follows. */
    @Test
    void headersCopiedFromAFailedRequestTakeNoTokenToAHostNotAllowed() throws Exception {
        String alice = Tokens.valid("alice");
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        try (Downstream other = new Downstream();
             ChildJvm child = ChildJvm.main(JettyClient12ReadBackChild.class).classPath(ChildJvm.libsAndTestClasses("jetty12"))
                     .argument(alice).argument("http://localhost:" + closed + "/orders").argument(other.notAllowedUrl("/fallback")).start()) {
            assertTrue(child.output().contains("FIRST-FAILED"), child.output().replace(alice, "<alice>"));
            assertEquals(List.of(), other.takeAuthorization(), "the host not allowed got the token through copied headers");
            assertTrue(child.output().contains("AFTER-SEND-SHOWS-TOKEN false"), "the failed request still shows the token: "
                    + child.output().replace(alice, "<alice>"));
        }
    }
}
