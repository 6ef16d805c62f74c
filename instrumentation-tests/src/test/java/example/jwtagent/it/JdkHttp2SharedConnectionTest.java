package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

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
 * The JDK {@code HttpClient} over HTTPS speaks HTTP/2 and multiplexes every caller's requests
 * on one connection to a host. Callers with different tokens, and one without, call through one
 * shared client at the same moment: each request on the shared connection carries its own
 * caller's token, or none. Tomcat 11 in this JVM; the downstream answers after 300 ms, so that
 * the streams can overlap.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdkHttp2SharedConnectionTest {
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

    @Test
    void eachStreamOnTheSharedConnectionCarriesItsOwnCallersToken() throws Exception {
        try (Downstream downstream = Downstream.httpsSlow(300)) {
            // The connection first, made by a call without a token: every later call shares it.
            assertEquals("200", ClientContractTest.call(service, "jdk-send-https-shared", downstream.allowedUrl("/orders?caller=first"), null, null)
                    .field("downstream"));
            RecordedRequest first = downstream.take();
            assertEquals("HTTP/2", first.getVersion(), "the JDK client and the downstream speak HTTP/2");

            Map<String, String> tokens = new HashMap<>();
            ExecutorService callers = Executors.newFixedThreadPool(CALLERS.size());
            try {
                List<Future<RawHttp.Response>> calls = new ArrayList<>();
                for (String caller : CALLERS) {
                    String token = caller.equals("none") ? null : Tokens.valid(caller);
                    tokens.put(caller, token);
                    calls.add(callers.submit(() -> ClientContractTest.call(service, "jdk-send-https-shared",
                            downstream.allowedUrl("/orders?caller=" + caller), token, null)));
                }
                for (Future<RawHttp.Response> call : calls) {
                    RawHttp.Response response = call.get(30, TimeUnit.SECONDS);
                    assertEquals("200", response.field("downstream"), response.toString());
                }
            } finally {
                callers.shutdownNow();
            }
            for (int i = 0; i < CALLERS.size(); i++) {
                RecordedRequest request = downstream.take();
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
