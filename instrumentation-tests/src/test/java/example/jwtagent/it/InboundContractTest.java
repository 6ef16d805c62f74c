package example.jwtagent.it;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC section 3 against a real servlet container in this JVM, which runs with the agent
 * (issuer https://issuer.test, audience orders, HS256 secret, /health and /public/** excluded).
 * Subclasses pick the container.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class InboundContractTest {
    private TestServer server;
    private int servletCallsBefore;
    private int filterCallsBefore;

    abstract TestServer startServer() throws Exception;

    /**
     * Whether the container hands a header value's tab to the application as it was sent. Undertow
     * folds every run of spaces and tabs in a header value into one space while it parses the request,
     * so {@code Bearer<TAB>token} reaches the agent, and the application, as {@code Bearer token}.
     */
    boolean keepsTabsInHeaderValues() {
        return true;
    }

    @BeforeAll
    void start() throws Exception {
        server = startServer();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    @BeforeEach
    void countBefore() {
        servletCallsBefore = RelayApp.SERVLET_CALLS.get();
        filterCallsBefore = RelayApp.FILTER_CALLS.get();
    }

    private RawHttp.Response get(String path, String... headers) throws Exception {
        return RawHttp.get(server.baseUrl(), path, headers);
    }

    private void assertApplicationNotCalled() {
        assertEquals(servletCallsBefore, RelayApp.SERVLET_CALLS.get(), "the servlet must not be called");
        assertEquals(filterCallsBefore, RelayApp.FILTER_CALLS.get(), "no application filter may run");
    }

    @Test
    void validTokenReachesTheApplicationWithSubjectAndClaims() throws Exception {
        RawHttp.Response response = get("/echo", RawHttp.bearer(Tokens.valid("alice")));
        assertEquals(200, response.status, response.toString());
        assertEquals("alice", response.field("subject"));
        assertEquals("map:alice", response.field("claims"));
        assertEquals(servletCallsBefore + 1, RelayApp.SERVLET_CALLS.get());
        assertEquals(filterCallsBefore + 1, RelayApp.FILTER_CALLS.get());
    }

    static Stream<Arguments> invalidTokens() {
        Instant now = Instant.now();
        String[] parts = Tokens.valid("mallory").split("\\.");
        String flippedSignature = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
        String unsignedNone = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
        String otherSecret = JWT.create().withIssuer(Tokens.ISSUER).withAudience(Tokens.AUDIENCE)
                .withSubject("mallory").withExpiresAt(now.plusSeconds(600))
                .sign(Algorithm.HMAC256("another-secret-another-secret-another-secret"));
        String pad = "x".repeat(5000);
        return Stream.of(
                Arguments.of("expired", Tokens.signed("mallory", b -> b.withExpiresAt(now.minusSeconds(600))), "token expired"),
                Arguments.of("not yet valid", Tokens.signed("mallory", b -> b.withNotBefore(now.plusSeconds(600))), "token not yet valid"),
                Arguments.of("bad signature", flippedSignature, "bad signature"),
                Arguments.of("signed with another secret", otherSecret, "bad signature"),
                Arguments.of("alg none", unsignedNone, "algorithm not allowed"),
                // The test secret is 47 bytes: long enough for HS256 only (RFC 7518: HS384 needs 48, HS512 64).
                Arguments.of("HS384 with a secret too short for it", Tokens.signedWith(Algorithm.HMAC384(Tokens.secret()), "mallory", b -> { }),
                        "algorithm not allowed"),
                Arguments.of("HS512 with a secret too short for it", Tokens.signedWith(Algorithm.HMAC512(Tokens.secret()), "mallory", b -> { }),
                        "algorithm not allowed"),
                Arguments.of("wrong issuer", Tokens.signed("mallory", b -> b.withIssuer("https://evil.test")), "wrong issuer"),
                Arguments.of("wrong audience", Tokens.signed("mallory", b -> b.withAudience("billing")), "wrong audience"),
                Arguments.of("no exp", Tokens.signed("mallory", b -> b.withExpiresAt((Instant) null)), "token has no exp claim"),
                Arguments.of("malformed", "not.a.jwt", "malformed token"),
                Arguments.of("too large", Tokens.signed("mallory", b -> b.withClaim("pad", pad)), "token too large"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTokens")
    void invalidTokenGets401WithReasonAndTheApplicationIsNotCalled(String name, String token, String reason) throws Exception {
        RawHttp.Response response = get("/echo", RawHttp.bearer(token));
        assertEquals(401, response.status, response.toString());
        assertEquals("Bearer error=\"invalid_token\", error_description=\"" + reason + "\"", response.header("WWW-Authenticate"));
        assertTrue(response.body.contains("\"error\":\"invalid_token\""), response.body);
        assertTrue(response.header("Content-Type").startsWith("application/json"), response.toString());
        assertApplicationNotCalled();
    }

    @Test
    void twoAuthorizationHeadersGet400InvalidRequest() throws Exception {
        RawHttp.Response response = get("/echo", RawHttp.bearer(Tokens.valid("alice")), RawHttp.bearer(Tokens.valid("bob")));
        assertEquals(400, response.status, response.toString());
        assertTrue(response.header("WWW-Authenticate").startsWith("Bearer error=\"invalid_request\""), response.toString());
        assertApplicationNotCalled();
    }

    @Test
    void requestWithoutTokenGoesOnWithoutSubjectWhenTokensAreOptional() throws Exception {
        RawHttp.Response response = get("/echo");
        assertEquals(200, response.status, response.toString());
        assertEquals("null", response.field("subject"));
    }

    @Test
    void accessTokenInTheQueryIsNeverRead() throws Exception {
        RawHttp.Response response = get("/echo?access_token=" + Tokens.valid("alice"));
        assertEquals(200, response.status, response.toString());
        assertEquals("null", response.field("subject"), "a query token must not authenticate the request");
    }

    @Test
    void tokenInHeaderAndQueryUsesOnlyTheHeader() throws Exception {
        RawHttp.Response response = get("/echo?access_token=" + Tokens.valid("bob"), RawHttp.bearer(Tokens.valid("alice")));
        assertEquals(200, response.status, response.toString());
        assertEquals("alice", response.field("subject"));
    }

    @Test
    void excludedPathsAreNotVerified() throws Exception {
        assertEquals(200, get("/health", RawHttp.bearer("not.a.jwt")).status);
        assertEquals(200, get("/public/docs/index", RawHttp.bearer("not.a.jwt")).status);
        RawHttp.Response response = get("/health", RawHttp.bearer(Tokens.valid("alice")));
        assertEquals("null", response.field("subject"), "an excluded path carries no token");
    }

    @Test
    void excludedPathCannotBeReachedThroughDotSegments() throws Exception {
        RawHttp.Response response = get("/health/../echo", RawHttp.bearer("not.a.jwt"));
        assertEquals(401, response.status, "a path that normalises to /echo is not /health: " + response);
    }

    @Test
    void excludedPathIsHonouredOnlyAsSentPlainly() throws Exception {
        // The container routes /x/..;/health to /health, but an application that routes on the URI
        // as sent (Spring MVC matches /x/** on it) runs another handler: no exclusion for that request.
        for (String disguised : new String[]{"/echo/..;/health", "/health;x=1", "/echo/%2e%2e/health"}) {
            countBefore();
            RawHttp.Response response = get(disguised, RawHttp.bearer("not.a.jwt"));
            assertNotEquals(200, response.status, disguised + " was let through as an excluded path: " + response);
            assertApplicationNotCalled();
        }
        assertEquals(200, get("/health", RawHttp.bearer("not.a.jwt")).status, "the plain path is still excluded");
    }

    @Test
    void bearerSchemeIsCaseInsensitive() throws Exception {
        String token = Tokens.valid("alice");
        assertEquals("alice", get("/echo", "Authorization: bearer " + token).field("subject"));
        assertEquals("alice", get("/echo", "Authorization: BEARER " + token).field("subject"));
    }

    @Test
    void malformedBearerHeaderGets400() throws Exception {
        String token = Tokens.valid("alice");
        if (keepsTabsInHeaderValues()) {
            RawHttp.Response tab = get("/echo", "Authorization: Bearer\t" + token);
            assertEquals(400, tab.status, tab.toString());
        }
        RawHttp.Response twoTokens = get("/echo", "Authorization: Bearer " + token + " " + token);
        assertEquals(400, twoTokens.status, twoTokens.toString());
        assertApplicationNotCalled();
    }

    @Test
    void aTokenVerifiedBeforeStillNeedsAWellFormedHeader() throws Exception {
        // The agent remembers this token: its characters are not checked again, the header around it still is.
        String token = Tokens.valid("alice");
        assertEquals("alice", get("/echo", RawHttp.bearer(token)).field("subject"));
        countBefore();
        for (String header : new String[] {"Authorization: Bearer\t" + token, "Authorization: Bearer " + token + " " + token,
                "Authorization: Bearer " + token + "\"", "Authorization: Bearer " + token + " x"}) {
            if (header.contains("\t") && !keepsTabsInHeaderValues()) {
                continue;
            }
            RawHttp.Response response = get("/echo", header);
            assertEquals(400, response.status, header + " -> " + response);
            assertTrue(response.header("WWW-Authenticate").contains("error=\"invalid_request\""), response.toString());
        }
        assertApplicationNotCalled();
    }

    @Test
    void aTokenVerifiedBeforeIsRefusedOnceItExpires() throws Exception {
        // Expired 27 s ago: accepted within the 30 s clock skew, and remembered until the skew runs out 2 to 3 s from now.
        // Sent several times, so that on Tomcat the workers hold its header and decision for their next request.
        String token = Tokens.signed("short-lived", b -> b.withExpiresAt(Instant.now().minusSeconds(27)));
        for (int i = 0; i < 8; i++) {
            assertEquals("short-lived", get("/echo", RawHttp.bearer(token)).field("subject"));
        }
        Thread.sleep(3500);
        countBefore();
        for (int i = 0; i < 8; i++) {
            RawHttp.Response late = get("/echo", RawHttp.bearer(token));
            assertEquals(401, late.status, late.toString());
            assertTrue(late.header("WWW-Authenticate").contains("error_description=\"token expired\""), late.toString());
        }
        assertApplicationNotCalled();
    }

    @Test
    void aHeaderLikeTheOneVerifiedBeforeIsJudgedOnItsOwn() throws Exception {
        // The workers that served these have verified this header: on Tomcat each remembers it and compares its next request's header with it.
        String token = Tokens.valid("alice");
        for (int i = 0; i < 12; i++) {
            assertEquals("alice", get("/echo", RawHttp.bearer(token)).field("subject"));
        }
        int middle = token.length() - 10;
        String forged = token.substring(0, middle) + (token.charAt(middle) == 'A' ? 'B' : 'A') + token.substring(middle + 1);
        countBefore();
        for (int i = 0; i < 4; i++) {
            RawHttp.Response sameLength = get("/echo", RawHttp.bearer(forged));
            assertEquals(401, sameLength.status, sameLength.toString());
            RawHttp.Response twice = get("/echo", RawHttp.bearer(token), RawHttp.bearer(token));
            assertEquals(400, twice.status, twice.toString());
            RawHttp.Response besideBasic = get("/echo", RawHttp.bearer(token), "authorization: Basic YWxpY2U6c2VjcmV0");
            assertEquals(400, besideBasic.status, besideBasic.toString());
            RawHttp.Response latin1 = get("/echo", RawHttp.bearer(token) + "\u00e9");
            assertEquals(400, latin1.status, latin1.toString());
        }
        assertApplicationNotCalled();
        for (int i = 0; i < 4; i++) {
            assertEquals("alice", get("/echo", "authorization: bearer " + token).field("subject"));
            assertEquals("alice", get("/echo", RawHttp.bearer(token)).field("subject"));
        }
    }

    @Test
    void otherAuthorizationSchemesBelongToTheApplication() throws Exception {
        RawHttp.Response response = get("/echo", "Authorization: Basic YWxpY2U6c2VjcmV0");
        assertEquals(200, response.status, response.toString());
        assertEquals("null", response.field("subject"));
    }

    /**
     * Requests that are not a plain GET: each is refused at the entry like any other, with the challenge,
     * and reaches neither filter nor servlet (a WebSocket or h2c upgrade, a CORS preflight, HEAD, a body
     * behind {@code Expect: 100-continue}, which Tomcat answers with 100 first).
     */
    @Test
    void aForgedTokenIsRefusedWhateverTheMethodOrUpgrade() throws Exception {
        String[] parts = Tokens.valid("mallory").split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
        String auth = "Authorization: Bearer " + forged + "\r\n";
        String close = "Connection: close\r\n";
        String[] requests = {
            "HEAD /echo HTTP/1.1\r\n" + close + auth,
            "OPTIONS /echo HTTP/1.1\r\nOrigin: http://app.example\r\nAccess-Control-Request-Method: GET\r\n" + close + auth,
            "POST /echo HTTP/1.1\r\nContent-Length: 5\r\nExpect: 100-continue\r\n" + close + auth,
            "GET /echo HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + auth,
            "GET /echo HTTP/1.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n" + auth,
        };
        java.net.URI base = java.net.URI.create(server.baseUrl());
        for (String request : requests) {
            countBefore();
            String answer;
            try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(2000);
                String body = request.startsWith("POST") ? "hello" : "";
                socket.getOutputStream().write((request + "Host: localhost\r\n\r\n" + body)
                        .getBytes(StandardCharsets.ISO_8859_1));
                answer = RawHttp.readUntilQuiet(socket.getInputStream());
            }
            String line = request.substring(0, request.indexOf('\r'));
            String finalAnswer = answer.replaceFirst("^HTTP/1.1 100[^\r]*\r\n\r\n", "");
            assertTrue(finalAnswer.startsWith("HTTP/1.1 401"), line + ": " + answer);
            assertTrue(finalAnswer.contains("WWW-Authenticate: Bearer error=\"invalid_token\", error_description=\"bad signature\""),
                    line + ": " + answer);
            assertApplicationNotCalled();
        }
    }

    @Test
    void serverAnswersNormallyAfterRejections() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertEquals(401, get("/echo", RawHttp.bearer("garbage.garbage.garbage")).status);
            assertEquals("alice", get("/echo", RawHttp.bearer(Tokens.valid("alice"))).field("subject"));
        }
    }
}
