package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Jetty 12's client adds the credentials its authentication store holds for a request's URI when a
 * connection sends the request, which may be long after the agent decided (the request waited in
 * its destination's queue). Credentials stored in that interval (another request's challenge
 * answered) go in the token's place, and the counters must say so: the header was already set, the
 * token was not propagated. Before, the request counted as propagated, though the token never went.
 * In a child JVM of its own, read from the child's {@code jwt.agent:type=Metrics}.
 */
class JettyClient12StoredWhileQueuedCountTest {
    @Test
    void credentialsStoredWhileTheRequestWaitsCountAsTheHeaderAlreadySet() throws Exception {
        List<String> settings = AgentChild.thisJvmsSettings();
        // Each answer takes 1.5 s: the second request waits that long behind the first on the one connection.
        try (AgentChild child = AgentChild.start("jetty12", settings, ChildJvm.libsAndTestClasses("jetty12")).awaitReady();
             Downstream downstream = Downstream.slow(1500)) {
            TestServer service = child.service();
            Map<String, Long> before = child.metricsAfterFirstRequest();

            String token = Tokens.valid("alice");
            ClientContractTest.call(service, "jetty12-queued-while-credentials-are-stored", downstream.allowedUrl("/orders"), token, null);
            // The first may also be sent after the credentials were stored (its connection is made meanwhile).
            long bearer = 0;
            long basic = 0;
            for (int i = 0; i < 2; i++) {
                RecordedRequest arrived = downstream.take();
                List<String> sent = arrived.getHeaders().values("Authorization");
                assertEquals(1, sent.size(), arrived.getTarget() + ": " + sent);
                bearer += sent.get(0).equals("Bearer " + token) ? 1 : 0;
                basic += sent.get(0).equals(ApacheClients.SERVICE_CREDENTIALS) ? 1 : 0;
                if (arrived.getTarget().equals("/orders")) {
                    assertEquals(List.of(ApacheClients.SERVICE_CREDENTIALS), sent, "the queued request: the stored credentials alone");
                }
            }

            Map<String, Long> after = child.metrics();
            Map<String, Long> moved = AgentChild.outboundMoved(before, after);
            assertEquals(new TreeMap<>(Map.of("propagated", bearer, "skipped.not_allowed", 0L, "skipped.expired", 0L,
                    "skipped.already_set", basic, "internal_faults", 0L)), moved, "the counters say what was sent; " + after);
        }
    }
}
