package example.jwtagent.it;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
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
 * Callers with different tokens, and one without, at once through one client shared by the
 * service, with one connection to the downstream host ({@link SharedClientsWithRedirects}); half
 * of their calls are answered with a redirect to the same host. Each first hop must carry its own
 * caller's token (or none for the caller without one); a redirect hop, or a request a library sends
 * again, may carry its own caller's token or none, and never another caller's. Tomcat 11 in this
 * JVM; {@link Jetty12} runs the Jetty 12 client in a child JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedClientRedirectCallersTest {
    static final List<String> CALLERS = List.of("alice", "bob", "carol", "nobody");
    static final int CALLS_PER_CALLER = 6;

    TestServer service;
    MockWebServer downstream;

    TestServer startService() throws Exception {
        return new TomcatJakartaServer(CALLERS.size() + 1);
    }

    List<String> clients() {
        return List.of("jdk-async-own-executor-shared", "okhttp-async-one-connection-shared", "reactor-one-connection-shared",
                "reactor-one-connection-shared-retried", "jdk-async-own-executor-shared-then-nested", "reactor-one-connection-shared-then-nested");
    }

    @BeforeAll
    void start() throws Exception {
        service = startService();
        downstream = new MockWebServer();
        downstream.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (request.getUrl().encodedPath().equals("/orders") && request.getUrl().queryParameter("redirect") != null) {
                    return new MockResponse.Builder().code(request.getUrl().queryParameter("redirect").equals("303") ? 303 : 302)
                            .setHeader("Location", "/final?caller=" + request.getUrl().queryParameter("caller")
                                    + "&call=" + request.getUrl().queryParameter("call"))
                            .headersDelay(10, TimeUnit.MILLISECONDS).build();
                }
                return new MockResponse.Builder().code(200).body("ok").headersDelay(10, TimeUnit.MILLISECONDS).build();
            }
        });
        downstream.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        downstream.close();
    }

    @ParameterizedTest
    @MethodSource("clients")
    void noRequestCarriesAnotherCallersToken(String client) throws Exception {
        while (downstream.takeRequest(200, TimeUnit.MILLISECONDS) != null) {
            // An earlier case's.
        }
        Map<String, String> tokens = new HashMap<>();
        for (String caller : CALLERS) {
            if (!caller.equals("nobody")) {
                tokens.put(caller, Tokens.valid(caller));
            }
        }
        String base = "http://localhost:" + downstream.getPort() + "/orders?caller=";
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (String caller : CALLERS) {
                running.add(pool.submit(() -> {
                    for (int i = 0; i < CALLS_PER_CALLER; i++) {
                        String redirect = i % 3 == 0 ? "" : i % 3 == 1 ? "&redirect=302" : "&redirect=303";
                        ClientContractTest.call(service, client, base + caller + "&call=" + i + redirect, tokens.get(caller), null);
                    }
                    return null;
                }));
            }
            for (Future<?> each : running) {
                each.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> foreign = new ArrayList<>();
        List<String> firstHopsWithoutTheirOwn = new ArrayList<>();
        int arrived = 0;
        int ownNested = 0;
        for (RecordedRequest request = downstream.takeRequest(1000, TimeUnit.MILLISECONDS); request != null;
             request = downstream.takeRequest(300, TimeUnit.MILLISECONDS)) {
            arrived++;
            String caller = request.getUrl().queryParameter("caller");
            String own = tokens.get(caller);
            List<String> values = request.getHeaders().values("Authorization");
            String what = caller + " call " + request.getUrl().queryParameter("call") + " " + request.getUrl().encodedPath();
            for (String value : values) {
                if (own == null || !value.equals("Bearer " + own)) {
                    String whose = "somebody";
                    for (Map.Entry<String, String> each : tokens.entrySet()) {
                        if (value.equals("Bearer " + each.getValue())) {
                            whose = each.getKey();
                        }
                    }
                    foreign.add(what + " carried " + whose + "'s token");
                }
            }
            if (request.getUrl().encodedPath().equals("/nested") && own != null && values.equals(List.of("Bearer " + own))) {
                ownNested++;
            }
            if (request.getUrl().encodedPath().equals("/orders") && !values.equals(own == null ? List.of() : List.of("Bearer " + own))) {
                firstHopsWithoutTheirOwn.add(what + " " + values.size() + " values");
            }
        }
        assertEquals(List.of(), foreign, client + ": requests with another caller's token");
        if (!client.endsWith("-retried")) {
            assertEquals(List.of(), firstHopsWithoutTheirOwn, client + ": first hops without their own caller's token");
        }
        int calls = CALLERS.size() * CALLS_PER_CALLER;
        int redirected = CALLERS.size() * (CALLS_PER_CALLER - CALLS_PER_CALLER / 3);
        int nested = !client.endsWith("-then-nested") ? 0 : client.startsWith("jdk-") ? 2 * calls : calls;
        assertEquals((calls + redirected) * (client.endsWith("-retried") ? 2 : 1) + nested, arrived, client + ": requests that arrived");
        System.out.println(client + ": " + arrived + " requests; callbacks' calls with their own caller's token: " + ownNested);
    }
}
