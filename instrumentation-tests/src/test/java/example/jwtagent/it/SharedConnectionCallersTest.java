package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Callers with different tokens, and one without, at the same moment through one async client
 * that has a single pooled connection: their requests wait for it and are handed it in turn, on
 * whatever thread releases or leases it, which may be another caller's thread while it holds its
 * own token. Every request that arrives downstream must carry its own caller's token, or none for
 * the caller without one. Tomcat 11 in this JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedConnectionCallersTest {
    static final int CALLS_PER_CALLER = 6;
    private TestServer service;
    private Downstream downstream;

    @BeforeAll
    void start() throws Exception {
        service = new TomcatJakartaServer(8);
        downstream = Downstream.slow(15);
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        downstream.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"apache5-async-one-connection", "apache4-async-one-connection"})
    void everyRequestCarriesItsOwnCallersTokenOrNone(String client) throws Exception {
        assertEquals(CALLERS.size() * CALLS_PER_CALLER, callersAtOnce(service, downstream, client));
    }

    static final List<String> CALLERS = List.of("alice", "bob", "carol", "nobody");

    /**
     * Every caller of {@link #CALLERS} calls {@code client} of {@code service} {@link #CALLS_PER_CALLER}
     * times, all callers at once; checks that every request that arrived at {@code downstream}
     * (its {@code caller} query parameter names whose it is) carries that caller's token or none;
     * answers how many arrived.
     */
    static int callersAtOnce(TestServer service, Downstream downstream, String client) throws Exception {
        while (downstream.poll(200) != null) {
            // Whatever an earlier case left: each case checks only its own requests.
        }
        Map<String, String> tokens = new HashMap<>();
        for (String caller : List.of("alice", "bob", "carol")) {
            tokens.put(caller, Tokens.valid(caller));
        }
        List<String> callers = CALLERS;
        ExecutorService pool = Executors.newFixedThreadPool(callers.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (String caller : callers) {
                running.add(pool.submit(() -> {
                    for (int i = 0; i < CALLS_PER_CALLER; i++) {
                        ClientContractTest.call(service, client, downstream.allowedUrl("/orders?caller=" + caller + "&call=" + i),
                                tokens.get(caller), null);
                    }
                    return null;
                }));
            }
            for (Future<?> each : running) {
                each.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        int arrived = 0;
        for (RecordedRequest request = downstream.poll(1000); request != null; request = downstream.poll(200)) {
            String caller = request.getUrl().queryParameter("caller");
            String token = tokens.get(caller);
            assertEquals(token == null ? List.of() : List.of("Bearer " + token), request.getHeaders().values("Authorization"),
                    "the request of " + caller + ", call " + request.getUrl().queryParameter("call")
                            + (request.getUrl().queryParameter("nested") == null ? "" : ", from its callback"));
            arrived++;
        }
        return arrived;
    }
}
