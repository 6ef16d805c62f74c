package example.jwtagent.it;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.TestInstance;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client over HTTPS speaks HTTP/2 and multiplexes every caller's requests on one connection to
 * a host: the JDK {@code HttpClient}, OkHttp and Reactor Netty, each one client shared by every
 * caller ({@link TestTls#jdkClient}, {@link Http2OverTlsClients}). Callers with different tokens, and one without, call through one
 * shared client at the same moment: each request on the shared connection carries its own
 * caller's token, or none. Tomcat 11 in this JVM; the downstream holds every caller's answer
 * until all four requests have arrived, so the four streams are open on the connection at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2SharedConnectionTest {
    private static final List<String> CALLERS = List.of("alice", "bob", "carol", "none");

    private TestServer service;

    @BeforeAll
    void start() throws Exception {
        service = new TomcatJakartaServer(CALLERS.size() + 1);
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk-send-https-shared", "okhttp-https-shared", "reactor-https-shared"})
    void eachStreamOnTheSharedConnectionCarriesItsOwnCallersToken(String client) throws Exception {
        CountDownLatch allArrived = new CountDownLatch(CALLERS.size());
        AtomicBoolean heldTogether = new AtomicBoolean(true);
        try (MockWebServer downstream = new MockWebServer()) {
            downstream.useHttps(TestTls.server().getSocketFactory());
            downstream.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                    if (!"first".equals(request.getUrl().queryParameter("caller"))) {
                        allArrived.countDown();
                        heldTogether.compareAndSet(true, allArrived.await(20, TimeUnit.SECONDS));
                    }
                    return new MockResponse.Builder().code(200).body("ok").build();
                }
            });
            downstream.start(InetAddress.getByName("127.0.0.1"), 0);
            String base = "https://localhost:" + downstream.getPort() + "/orders?caller=";
            // The connection first, made by a call without a token: every later call shares it.
            assertEquals("200", ClientContractTest.call(service, client, base + "first", null, null).field("downstream"));
            RecordedRequest first = downstream.takeRequest(10, TimeUnit.SECONDS);
            assertEquals("HTTP/2", first.getVersion(), "the client and the downstream speak HTTP/2");

            Map<String, String> tokens = new HashMap<>();
            ExecutorService callers = Executors.newFixedThreadPool(CALLERS.size());
            try {
                List<Future<RawHttp.Response>> calls = new ArrayList<>();
                for (String caller : CALLERS) {
                    String token = caller.equals("none") ? null : Tokens.valid(caller);
                    tokens.put(caller, token);
                    calls.add(callers.submit(() -> ClientContractTest.call(service, client, base + caller, token, null)));
                }
                for (Future<RawHttp.Response> call : calls) {
                    RawHttp.Response response = call.get(30, TimeUnit.SECONDS);
                    assertEquals("200", response.field("downstream"), response.toString());
                }
            } finally {
                callers.shutdownNow();
            }
            assertTrue(heldTogether.get(), "all four requests were open at once");
            for (int i = 0; i < CALLERS.size(); i++) {
                RecordedRequest request = downstream.takeRequest(10, TimeUnit.SECONDS);
                String caller = request.getUrl().queryParameter("caller");
                String token = tokens.get(caller);
                assertEquals(token == null ? List.of() : List.of("Bearer " + token), request.getHeaders().values("Authorization"),
                        caller + "'s request");
                assertEquals(first.getConnectionIndex(), request.getConnectionIndex(), caller + "'s request, on the shared connection");
                assertEquals("HTTP/2", request.getVersion());
            }
        }
    }
}
