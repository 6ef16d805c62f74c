package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SPEC section 4 for the JDK's clients, through a real servlet container in this JVM (the agent
 * allows only {@code localhost}; the same downstream server reached as {@code 127.0.0.1} is a
 * host that is not allowed). Subclasses pick the container, with one worker thread.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OutboundContractTest {
    private TestServer server;
    private Downstream downstream;

    abstract TestServer startServer() throws Exception;

    @BeforeAll
    void start() throws Exception {
        server = startServer();
        downstream = new Downstream();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        downstream.close();
    }

    private RawHttp.Response call(String client, String url, String token, String applicationAuthorization) throws Exception {
        String path = "/call?client=" + client + "&url=" + encode(url)
                + (applicationAuthorization == null ? "" : "&auth=" + encode(applicationAuthorization));
        RawHttp.Response response = token == null ? RawHttp.get(server.baseUrl(), path)
                : RawHttp.get(server.baseUrl(), path, RawHttp.bearer(token));
        assertEquals(200, response.status, response.toString());
        assertEquals("200", response.field("downstream"), response.toString());
        return response;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"url-connection", "jdk-send", "jdk-async"})
    void verifiedTokenIsPropagatedToAnAllowedHost(String client) throws Exception {
        String token = Tokens.valid("alice");
        call(client, downstream.allowedUrl("/orders"), token, null);
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
    }

    @ParameterizedTest
    @ValueSource(strings = {"url-connection", "jdk-send", "jdk-async"})
    void hostThatIsNotAllowedReceivesNoToken(String client) throws Exception {
        call(client, downstream.notAllowedUrl("/orders"), Tokens.valid("alice"), null);
        assertEquals(Collections.emptyList(), downstream.takeAuthorization());
    }

    @ParameterizedTest
    @ValueSource(strings = {"url-connection", "jdk-send", "jdk-async"})
    void authorizationSetByTheApplicationIsKept(String client) throws Exception {
        call(client, downstream.allowedUrl("/orders"), Tokens.valid("alice"), "Bearer application-own");
        assertEquals(List.of("Bearer application-own"), downstream.takeAuthorization());
    }

    @ParameterizedTest
    @ValueSource(strings = {"url-connection", "jdk-send", "jdk-async"})
    void requestWithoutTokenPropagatesNothing(String client) throws Exception {
        call(client, downstream.allowedUrl("/orders"), null, null);
        assertEquals(Collections.emptyList(), downstream.takeAuthorization());
    }

    @ParameterizedTest
    @ValueSource(strings = {"url-connection", "jdk-send", "jdk-async"})
    void expiredTokenIsNotPropagated(String client) throws Exception {
        // Accepted inbound thanks to the 30 s clock skew, but already past exp: never sent on.
        String token = Tokens.signed("alice", b -> b.withExpiresAt(Instant.now().minusSeconds(5)));
        RawHttp.Response response = call(client, downstream.allowedUrl("/orders"), token, null);
        assertEquals("alice", response.field("subject"));
        assertEquals(Collections.emptyList(), downstream.takeAuthorization());
    }

    @ParameterizedTest
    @ValueSource(strings = {"url-connection", "jdk-send", "jdk-async"})
    void redirectToAHostThatIsNotAllowedCarriesNoToken(String client) throws Exception {
        try (Downstream target = new Downstream();
             Downstream redirector = new Downstream(target.notAllowedUrl("/landing"))) {
            String token = Tokens.valid("alice");
            call(client, redirector.allowedUrl("/start"), token, null);
            assertEquals(List.of("Bearer " + token), redirector.takeAuthorization(), "the allowed first hop gets the token");
            assertEquals(Collections.emptyList(), target.takeAuthorization(), "the redirect target must not");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"url-connection", "jdk-send", "jdk-async"})
    void noTokenIsLeftOnTheWorkerThread(String client) throws Exception {
        for (int i = 0; i < 10; i++) {
            String token = Tokens.valid("user" + i);
            call(client, downstream.allowedUrl("/with"), token, null);
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
            call(client, downstream.allowedUrl("/without"), null, null);
            assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "request " + i + " without a token");
        }
    }
}
