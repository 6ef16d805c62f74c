package example.jwtagent.it;

import com.auth0.jwt.algorithms.Algorithm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The header blocks every HTTP/2 inbound test sends a server ({@link RawH2}), whatever its
 * container, and what it asks of the answers: a forged or expired token, the same field twice,
 * names in upper case, CR LF and NUL in values, pseudo-header tricks. A forged or expired token
 * never reaches the application nor its downstream call; a request the agent refuses gets a
 * well-formed 401 or 400; the container may refuse a malformed stream itself. The test's
 * application records one line per call in {@code calls} and calls {@code downstream} once.
 */
final class Http2StreamChecks {
    static final String FORGED = Tokens.signedWith(Algorithm.HMAC256("not-the-service-secret-not-the-service-secret"),
            "mallory", b -> { });

    /** Opens a connection to the server under test. */
    interface Connecting {
        RawH2 open() throws Exception;
    }

    private final String tag;
    private final List<String> calls;
    private final Downstream downstream;

    Http2StreamChecks(String tag, List<String> calls, Downstream downstream) {
        this.tag = tag;
        this.calls = calls;
        this.downstream = downstream;
    }

    void log(String line) {
        System.out.println(tag + " " + Tokens.masked(line));
    }

    /**
     * The request was not answered by the application: no call, nothing downstream, no 200. (A
     * container may answer 500 itself: Undertow does for a {@code :path} in absolute form.)
     */
    void notCalled(RawH2.Answer answer, int callsBefore, String fields) throws Exception {
        String what = Tokens.masked(fields);
        log(what + " -> status=" + answer.status + " reset=" + answer.reset + " goAway=" + answer.goAway
                + " challenge=" + answer.header("www-authenticate"));
        assertEquals(callsBefore, calls.size(), what + ": the application was called: " + calls + " " + answer);
        assertNull(downstream.poll(100), what + ": something reached the downstream");
        assertTrue(!"200".equals(answer.status), what + ": " + answer);
    }

    /** The agent's answer: the status, its challenge, no-store, and the JSON body it describes. */
    static void wellFormed(RawH2.Answer answer, String status, String error, String fields) {
        String what = Tokens.masked(fields);
        assertEquals(status, answer.status, what + ": " + answer);
        String challenge = answer.header("www-authenticate");
        assertTrue(challenge != null && challenge.startsWith("Bearer error=\"" + error + "\""), what + ": " + answer);
        assertEquals("no-store", answer.header("cache-control"), what + ": " + answer);
        assertTrue(answer.body().matches("\\{\"error\":\"" + error + "\",\"error_description\":\"[A-Za-z ]+\"}"), what + ": " + answer);
        assertTrue(answer.header("content-type").startsWith("application/json"), what + ": " + answer);
        assertEquals(String.valueOf(answer.body().length()), answer.header("content-length"), what + ": " + answer);
    }

    /**
     * On one connection: alice's token three times, each call recorded as {@code aliceCall} and
     * carrying it downstream; HEAD and OPTIONS with a forged token (401, no body for HEAD); a forged
     * and an expired token (well-formed 401s); the token field twice or split (400, or a refused stream).
     */
    void oneConnection(RawH2 h2, String alice, String aliceCall) throws Exception {
        String expired = Tokens.signed("late", b -> b.withExpiresAt(Instant.now().minusSeconds(120)));
        for (int i = 0; i < 3; i++) {
            int before = calls.size();
            RawH2.Answer ok = h2.get("/orders", "authorization", "Bearer " + alice);
            assertEquals("200", ok.status, ok.toString());
            assertEquals(before + 1, calls.size());
            assertEquals(aliceCall, calls.get(before));
            assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
        }
        for (String method : new String[] {"HEAD", "OPTIONS"}) {
            int before = calls.size();
            RawH2.Answer answer = h2.send(":method", method, ":scheme", "http", ":authority", "localhost", ":path", "/orders",
                    "authorization", "Bearer " + FORGED);
            notCalled(answer, before, method);
            assertEquals("401", answer.status, answer.toString());
            assertTrue(answer.header("www-authenticate").startsWith("Bearer error=\"invalid_token\""), answer.toString());
            assertEquals(method.equals("HEAD") ? "" : "{", method.equals("HEAD") ? answer.body() : answer.body().substring(0, 1),
                    answer.toString());
        }
        int before = calls.size();
        RawH2.Answer forged = h2.get("/orders", "authorization", "Bearer " + FORGED);
        notCalled(forged, before, "forged");
        wellFormed(forged, "401", "invalid_token", "forged");
        RawH2.Answer late = h2.get("/orders", "authorization", "Bearer " + expired);
        notCalled(late, before, "expired");
        wellFormed(late, "401", "invalid_token", "expired");
        assertTrue(late.header("www-authenticate").contains("token expired"), late.toString());
        for (String[] fields : RawH2.twoAuthorizationFields(alice, FORGED)) {
            RawH2.Answer answer = h2.get("/orders", fields);
            String what = String.join(" | ", fields);
            notCalled(answer, before, what);
            if (answer.status != null) {
                wellFormed(answer, "400", "invalid_request", what);
            }
        }
    }

    /**
     * Each on a connection of its own, never answered by the application: names in upper case
     * (malformed in HTTP/2: the container refuses the stream, or the agent decides on it), and
     * values with CR LF or NUL in them.
     */
    void malformedFields(Connecting connecting, String alice) throws Exception {
        String[][] fields = {
                {"Authorization", "Bearer " + FORGED},
                {"AUTHORIZATION", "Bearer " + FORGED},
                {"Authorization", "Bearer " + alice, "authorization", "Bearer " + FORGED},
                {"authorization", "Bearer " + FORGED, "Authorization", "Bearer " + alice},
                {"authorization", "Bearer " + alice + "\r\nx-other: 1"},
                {"authorization", "Bearer " + alice + "\u0000"},
                {"authorization", "Bearer " + FORGED + "\r\n"},
        };
        for (String[] each : fields) {
            try (RawH2 h2 = connecting.open()) {
                int before = calls.size();
                RawH2.Answer answer = h2.get("/orders", each);
                notCalled(answer, before, String.join(" | ", each).replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0"));
            }
        }
    }

    /**
     * Pseudo-header tricks with a forged token, each on a connection of its own: {@code :path} twice
     * (an excluded path and another), after a regular field, in absolute form, not starting with
     * '/', with dot segments, parameters or empty segments; {@code :method} twice; a pseudo-header
     * named as the token's field; {@code :status} in a request. The application runs, if at all,
     * only on an excluded path, without a token, and its call downstream carries none; its call is
     * recorded as {@code excludedCall} (a pattern).
     */
    void pseudoHeaderTricks(Connecting connecting, String alice, String excludedCall) throws Exception {
        String[][] blocks = {
                {":method", "GET", ":scheme", "http", ":authority", "localhost", ":path", "/health", ":path", "/orders", "authorization", "Bearer " + FORGED},
                {":method", "GET", ":scheme", "http", ":authority", "localhost", ":path", "/orders", ":path", "/health", "authorization", "Bearer " + FORGED},
                {":method", "GET", ":scheme", "http", ":authority", "localhost", "authorization", "Bearer " + FORGED, ":path", "/orders"},
                {":method", "GET", ":scheme", "http", ":authority", "localhost", ":path", "http://localhost/health", "authorization", "Bearer " + FORGED},
                {":method", "GET", ":scheme", "http", ":authority", "localhost", ":path", "health", "authorization", "Bearer " + FORGED},
                {":method", "GET", ":scheme", "http", ":authority", "localhost", ":path", "/health/../orders", "authorization", "Bearer " + FORGED},
                {":method", "GET", ":scheme", "http", ":authority", "localhost", ":path", "/health;x=1", "authorization", "Bearer " + FORGED},
                {":method", "GET", ":scheme", "http", ":authority", "localhost", ":path", "/public/%2e%2e/orders", "authorization", "Bearer " + FORGED},
                {":method", "GET", ":scheme", "http", ":authority", "localhost", ":path", "//health", "authorization", "Bearer " + FORGED},
                {":method", "GET", ":scheme", "http", ":authority", "localhost", ":path", "/public//orders", "authorization", "Bearer " + FORGED},
                {":method", "GET", ":method", "POST", ":scheme", "http", ":authority", "localhost", ":path", "/orders", "authorization", "Bearer " + FORGED},
                {":method", "GET", ":scheme", "http", ":authority", "localhost", ":path", "/orders", ":authorization", "Bearer " + alice, "authorization", "Bearer " + FORGED},
                {":method", "GET", ":scheme", "http", ":authority", "localhost", ":path", "/orders", "authorization", "Bearer " + FORGED, ":status", "200"},
        };
        for (String[] fields : blocks) {
            try (RawH2 h2 = connecting.open()) {
                int before = calls.size();
                RawH2.Answer answer = h2.send(fields);
                String what = "pseudo: " + String.join(" | ", fields);
                List<String> seen = new ArrayList<>(calls.subList(before, calls.size()));
                if (seen.isEmpty()) {
                    notCalled(answer, before, what);
                    continue;
                }
                log(what + " -> calls=" + seen + " status=" + answer.status + " reset=" + answer.reset);
                for (String call : seen) {
                    assertTrue(call.matches(excludedCall), Tokens.masked(what) + ": the application ran as " + call + " " + answer);
                    assertEquals(List.of(), downstream.takeAuthorization(), Tokens.masked(what));
                }
            }
        }
    }
}
