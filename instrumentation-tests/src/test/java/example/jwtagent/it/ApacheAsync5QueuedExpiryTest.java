package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The async Apache 5 client with one pooled connection: a request waits for it behind another.
 * A token that expires while it waits does not go: 5.2 and later decide as the request is sent;
 * 5.1 decides on the calling thread before the request waits, and its connection takes the header
 * off as it writes the request (before, 5.1 sent the expired token).
 */
class ApacheAsync5QueuedExpiryTest {
    @Test
    void async56() throws Exception {
        check(ChildJvm.main(RelayChild.class).start());
    }

    @Test
    void async51() throws Exception {
        check(ChildJvm.main(RelayChild.class).classPath(ChildJvm.libsAndTestClasses("apache-oldest")).start());
    }

    private static void check(ChildJvm child) throws Exception {
        try (TestServer service = ClientContractTest.childService(child); Downstream downstream = Downstream.slow(4000)) {
            Instant expiry = Instant.now().plusSeconds(3);
            String token = Tokens.signed("alice", b -> b.withExpiresAt(expiry));
            ClientContractTest.call(service, "apache5-async-queued-behind-another", downstream.allowedUrl("/call"), token, null);
            assertEquals("/call-first", downstream.take().getTarget());
            RecordedRequest queued = downstream.take();
            assertTrue(Instant.now().isAfter(expiry), "the queued request arrived after the expiry");
            assertEquals("/call", queued.getTarget());
            assertEquals(List.of(), queued.getHeaders().values("Authorization"), "an expired token went");
        }
    }
}
