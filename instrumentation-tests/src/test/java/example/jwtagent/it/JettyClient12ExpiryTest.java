package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jetty 12's client adds the header as the application sends (on the caller's thread), and the
 * request may then wait in its destination's queue for a connection. A token that expires while it
 * waits is taken off as a connection sends the request: the outbound rule is that an expired token
 * is never sent, with no skew. Before, the queued request went out with the expired token.
 */
class JettyClient12ExpiryTest {
    private static TestServer service;
    private static Downstream downstream;

    @BeforeAll
    static void start() throws Exception {
        service = ClientContractTest.childService(ChildJvm.main(RelayChild.class).classPath(JettyClient12ContractTest.classPath()).start());
        // Each answer takes 4 s: the second request waits that long behind the first on the one connection.
        downstream = Downstream.slow(4000);
    }

    @AfterAll
    static void stop() throws Exception {
        downstream.close();
        service.close();
    }

    @Test
    void aRequestThatWaitsPastItsTokensExpiryGoesWithoutIt() throws Exception {
        // Seconds in the token: it expires 2 to 3 s from now, after the first request and before the second is sent.
        Instant expiry = Instant.now().plusSeconds(3);
        String token = Tokens.signed("alice", b -> b.withExpiresAt(expiry));
        ClientContractTest.call(service, "jetty12-queued-behind-another", downstream.allowedUrl("/call"), token, null);

        RecordedRequest first = downstream.take();
        assertEquals("/call-first", first.getTarget());
        assertEquals(List.of("Bearer " + token), first.getHeaders().values("Authorization"), "sent at once, before the expiry");
        RecordedRequest queued = downstream.take();
        assertTrue(Instant.now().isAfter(expiry), "the queued request arrived after the expiry");
        assertEquals("/call", queued.getTarget());
        assertEquals(List.of(), queued.getHeaders().values("Authorization"));
    }

    @Test
    void aRequestThatWaitsWhileItsTokenHoldsKeepsIt() throws Exception {
        String token = Tokens.valid("carol");
        ClientContractTest.call(service, "jetty12-queued-behind-another", downstream.allowedUrl("/call"), token, null);

        assertEquals(List.of("Bearer " + token), downstream.take().getHeaders().values("Authorization"));
        RecordedRequest queued = downstream.take();
        assertEquals("/call", queued.getTarget());
        assertEquals(List.of("Bearer " + token), queued.getHeaders().values("Authorization"));
    }
}
