package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The outbound counters with OkHttp 5, 4 and 3.14, each in a child JVM of its own, read from the
 * child's {@code jwt.agent:type=Metrics}: every call moves one counter, once. OkHttp 3.14 hands a
 * hop through both of its {@code proceed} methods, and a call made from a request that has the
 * application's own header is seen when the call is made and again at its hop: neither may count
 * twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OkHttpCountsTest {
    private Downstream downstream;

    @BeforeAll
    void start() throws Exception {
        downstream = new Downstream();
    }

    @AfterAll
    void stop() throws Exception {
        downstream.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"okhttp5", "okhttp4", "okhttp3"})
    void eachCallCountsOnce(String line) throws Exception {
        try (AgentChild child = start(line)) {
            TestServer service = child.service();
            Map<String, Long> before = child.metricsAfterFirstRequest();

            String token = Tokens.valid("alice");
            ClientContractTest.call(service, "okhttp", downstream.allowedUrl("/a"), token, null);
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
            ClientContractTest.call(service, "okhttp-async", downstream.allowedUrl("/b"), token, null);
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
            ClientContractTest.call(service, "okhttp", downstream.notAllowedUrl("/c"), token, null);
            assertEquals(Collections.emptyList(), downstream.takeAuthorization());
            ClientContractTest.call(service, "okhttp", downstream.allowedUrl("/d"), token, "Bearer application-own");
            assertEquals(List.of("Bearer application-own"), downstream.takeAuthorization());
            ClientContractTest.call(service, "okhttp-async", downstream.allowedUrl("/e"), token, "Bearer application-own");
            assertEquals(List.of("Bearer application-own"), downstream.takeAuthorization());

            Map<String, Long> after = child.metrics();
            Map<String, Long> moved = AgentChild.outboundMoved(before, after);
            Map<String, Long> expected = new TreeMap<>(Map.of("propagated", 2L, "skipped.not_allowed", 1L, "skipped.expired", 0L,
                    "skipped.already_set", 2L, "internal_faults", 0L));
            assertEquals(expected, moved, line + ": " + after);
        }
    }

    /**
     * A hop is counted as it is written, by what goes: a network interceptor's credentials, added
     * beside the agent's header (which then goes alone, without the token) or set in its place,
     * count as the header already set; a token that expired while a network interceptor took its
     * time counts only as expired; an answer the cache gives without going to the network counts
     * nowhere. Before, each of these hops counted as propagated, as the header was added.
     */
    @ParameterizedTest
    @ValueSource(strings = {"okhttp5", "okhttp4", "okhttp3"})
    void eachHopCountsWhatIsWritten(String line) throws Exception {
        try (AgentChild child = start(line); Downstream cacheable = Downstream.cacheablePerAuthorization()) {
            TestServer service = child.service();
            Map<String, Long> before = child.metricsAfterFirstRequest();

            String token = Tokens.valid("alice");
            ClientContractTest.call(service, "okhttp-network-interceptor-adds-credentials", downstream.allowedUrl("/a"), token, null);
            assertEquals(List.of(ApacheClients.SERVICE_CREDENTIALS), downstream.takeAuthorization());
            ClientContractTest.call(service, "okhttp-network-interceptor-sets-credentials", downstream.allowedUrl("/b"), token, null);
            assertEquals(List.of(ApacheClients.SERVICE_CREDENTIALS), downstream.takeAuthorization());
            // Seconds in the token: it expires 2 to 3 s from now, while the interceptor takes 4 s.
            String shortLived = Tokens.signed("alice", b -> b.withExpiresAt(Instant.now().plusSeconds(3)));
            ClientContractTest.call(service, "okhttp-network-interceptor-slow", downstream.allowedUrl("/c"), shortLived, null);
            assertEquals(Collections.emptyList(), downstream.takeAuthorization());
            // The second call is answered from the cache, which keeps the first's answer for this token.
            ClientContractTest.call(service, "okhttp-cached", cacheable.allowedUrl("/d"), token, null);
            ClientContractTest.call(service, "okhttp-cached", cacheable.allowedUrl("/d"), token, null);
            assertEquals(List.of("Bearer " + token), cacheable.takeAuthorization());
            // The control: the token goes, and counts as propagated.
            ClientContractTest.call(service, "okhttp-network-interceptor-slow", downstream.allowedUrl("/e"), token, null);
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());

            Map<String, Long> after = child.metrics();
            Map<String, Long> moved = AgentChild.outboundMoved(before, after);
            Map<String, Long> expected = new TreeMap<>(Map.of("propagated", 2L, "skipped.not_allowed", 0L, "skipped.expired", 1L,
                    "skipped.already_set", 2L, "internal_faults", 0L));
            assertEquals(expected, moved, line + ": " + after);
            assertEquals(1, cacheable.requestCount(), "the second call to /d was answered from the cache");
        }
    }

    private static AgentChild start(String line) throws Exception {
        List<String> settings = AgentChild.thisJvmsSettings();
        if (line.equals("okhttp5")) {
            // This module's own class path has OkHttp 5.
            return AgentChild.start(line, settings).awaitReady();
        }
        List<Path> classPath = ChildJvm.libsAndTestClasses(line);
        return AgentChild.start(line, settings, classPath).awaitReady();
    }
}
