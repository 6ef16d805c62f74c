package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The async Apache 5.1 client is decided on the calling thread, before a request may wait for a
 * pooled connection, and counted as its connection writes it: propagated over HTTP/1.1 and HTTP/2,
 * and, for a request whose token expired while it waited, only as expired (before, it counted as
 * propagated too). A client's default {@code Authorization} counts as the header already set. In a
 * child JVM with the 5.1 libraries, read from the child's {@code jwt.agent:type=Metrics}.
 */
class ApacheAsync51CountsTest {
    @Test
    void eachRequestCountsWhatItsConnectionWrites() throws Exception {
        List<String> settings = AgentChild.thisJvmsSettings();
        try (AgentChild child = AgentChild.start("apache-oldest", settings, ChildJvm.libsAndTestClasses("apache-oldest")).awaitReady();
             Downstream downstream = new Downstream(); Downstream http2 = Downstream.http2Only(); Downstream slow = Downstream.slow(4000)) {
            TestServer service = child.service();
            Map<String, Long> before = child.metricsAfterFirstRequest();

            String token = Tokens.valid("alice");
            ClientContractTest.call(service, "apache5-async", downstream.allowedUrl("/a"), token, null);
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
            ClientContractTest.call(service, "apache5-async-http2", http2.allowedUrl("/b"), token, null);
            assertEquals(List.of("Bearer " + token), http2.takeAuthorization());
            ClientContractTest.call(service, "apache5-async-default-authorization", downstream.allowedUrl("/c"), token, null);
            assertEquals(List.of(ApacheClients.SERVICE_CREDENTIALS), downstream.takeAuthorization());
            // Seconds in the token: it expires 2 to 3 s from now, after the first request and before the second is sent.
            String shortLived = Tokens.signed("alice", b -> b.withExpiresAt(Instant.now().plusSeconds(3)));
            ClientContractTest.call(service, "apache5-async-queued-behind-another", slow.allowedUrl("/d"), shortLived, null);
            assertEquals(List.of("Bearer " + shortLived), slow.take().getHeaders().values("Authorization"), "the first, sent at once");
            RecordedRequest queued = slow.take();
            assertEquals("/d", queued.getTarget());
            assertEquals(List.of(), queued.getHeaders().values("Authorization"), "the queued one, after the expiry");

            Map<String, Long> after = child.metrics();
            Map<String, Long> moved = AgentChild.outboundMoved(before, after);
            assertEquals(new TreeMap<>(Map.of("propagated", 3L, "skipped.not_allowed", 0L, "skipped.expired", 1L,
                    "skipped.already_set", 1L, "internal_faults", 0L)), moved, "the counters say what was sent; " + after);
        }
    }
}
