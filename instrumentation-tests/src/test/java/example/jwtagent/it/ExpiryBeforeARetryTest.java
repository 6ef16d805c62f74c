package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC section 4, "it has not expired", for a request a client sends again on its own after its
 * connection ended without an answer: the token, valid at the first write and expired at the
 * second, is on the first only. Clients that do not retry answer the call with an error, and
 * send one request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpiryBeforeARetryTest {
    private TestServer service;
    private Downstream warm;

    @BeforeAll
    void start() throws Exception {
        service = new TomcatJakartaServer(2);
        warm = new Downstream();
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        warm.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"url-connection", "jdk-send", "jdk-async", "apache4", "apache4-async", "apache5", "apache5-async",
            "okhttp", "okhttp-async", "webclient", "rest-client-simple", "rest-client-jdk", "rest-client-apache5", "rest-client-okhttp",
            "rest-client-reactor"})
    void aRequestSentAgainAfterTheTokenExpiredGoesWithoutIt(String client) throws Exception {
        ClientContractTest.call(service, client, warm.allowedUrl("/warm"), null, null);
        warm.take();
        try (UrlConnectionRetryExpiryTest.ScriptedServer server =
                     new UrlConnectionRetryExpiryTest.ScriptedServer(UrlConnectionRetryExpiryTest.ScriptedServer.CLOSE_WITHOUT_ANSWER)) {
            String token = Tokens.signed("alice", b -> b.withExpiresAt(Instant.now().plusSeconds(2)));
            String path = "/call?client=" + client + "&url=" + URLEncoder.encode(server.url("/orders"), StandardCharsets.UTF_8);
            RawHttp.Response response = RawHttp.get(service.baseUrl(), path, RawHttp.bearer(token));
            Thread.sleep(500);
            List<List<String>> arrived = server.authorizations();
            assertTrue(arrived.get(0).contains("Bearer " + token), client + ": the first write, before the token expired: " + arrived);
            for (List<String> later : arrived.subList(1, arrived.size())) {
                assertFalse(later.contains("Bearer " + token), client + ": a write after the token expired: " + arrived);
            }
            assertEquals(arrived.size(), server.requestLines().size());
        }
    }
}
