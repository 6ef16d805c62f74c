package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A request that waits in Jetty 12's destination queue past its token's expiry has the agent's
 * header taken off as a connection sends it; an {@code Authorization} the application's own
 * {@code onRequestQueued} listener added beside it is the application's and must go as it is.
 */
class JettyClient12QueuedListenerTest {
    @Test
    void theApplicationsOwnHeaderStaysWhenAnExpiredTokenIsTakenOff() throws Exception {
        String alice = Tokens.valid("alice");
        // Each answer takes 2 s: the second request waits that long behind the first, past the token's expiry (1 s).
        try (Downstream slow = Downstream.slow(2000);
             ChildJvm child = ChildJvm.main(JettyClient12QueuedListenerChild.class).classPath(ChildJvm.libsAndTestClasses("jetty12"))
                     .argument(alice).argument(slow.allowedUrl("/call")).start()) {
            RecordedRequest first = slow.take();
            assertEquals("/call-first", first.getTarget());
            assertEquals(List.of("Bearer " + alice), first.getHeaders().values("Authorization"), "sent at once, before the expiry");
            RecordedRequest queued = slow.take();
            assertEquals("/call", queued.getTarget());
            assertEquals(List.of("Basic dTpw"), queued.getHeaders().values("Authorization"), "the application's own header, alone");
        }
    }

    /**
     * The listener merges its value into the header the agent added ({@code ensureField}): the
     * token in it has expired by the time the request is sent, and must not go.
     */
    @Test
    void anExpiredTokenDoesNotGoInAFieldTheApplicationMergedItsValueInto() throws Exception {
        String alice = Tokens.valid("alice");
        try (Downstream slow = Downstream.slow(2000);
             ChildJvm child = ChildJvm.main(JettyClient12QueuedListenerChild.class).classPath(ChildJvm.libsAndTestClasses("jetty12"))
                     .argument(alice).argument(slow.allowedUrl("/call")).argument("ensure").start()) {
            RecordedRequest first = slow.take();
            assertEquals("/call-first", first.getTarget());
            RecordedRequest queued = slow.take();
            assertEquals("/call", queued.getTarget());
            String sent = String.join(" | ", queued.getHeaders().values("Authorization"));
            assertFalse(sent.contains(alice), "the expired token went: " + sent.replace(alice, "<alice's token>"));
            assertEquals("Basic dTpw", sent, "the application's own value, alone");
        }
    }
}
