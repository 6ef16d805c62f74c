package example.jwtagent.it;

import example.jwtagent.it.AdversarialCases.Case;
import mockwebserver3.RecordedRequest;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Sends one case of {@link AdversarialCases} to an agent-enabled server and checks everything the
 * hostile tests promise: the status and RFC 6750 answer, that the application ran only when the
 * token was acceptable, that nothing (or exactly the verified token) went downstream, that no
 * attacker-named server was contacted, that the answer holds no token material, and that the
 * next good request is answered normally. Failure messages never print a token.
 */
final class AdversarialRunner {
    /** The server under test: its URL and how many calls reached the application. */
    interface Agent {
        String baseUrl();

        /** RelayApp's servlet and filter call counts. */
        int[] applicationCalls() throws IOException;
    }

    static Agent inProcess(TestServer server) {
        return new Agent() {
            @Override
            public String baseUrl() {
                return server.baseUrl();
            }

            @Override
            public int[] applicationCalls() {
                return new int[] {RelayApp.SERVLET_CALLS.get(), RelayApp.FILTER_CALLS.get()};
            }
        };
    }

    static Agent child(AgentChild child) {
        return new Agent() {
            @Override
            public String baseUrl() {
                return child.baseUrl();
            }

            @Override
            public int[] applicationCalls() throws IOException {
                return child.applicationCalls();
            }
        };
    }

    private AdversarialRunner() {
    }

    static void run(Case c, Agent agent, Downstream downstream) throws Exception {
        int[] callsBefore = agent.applicationCalls();
        int downstreamBefore = downstream.requestCount();
        int attackerBefore = AdversarialCases.attacker().getRequestCount();

        String path = "/call?client=url-connection&url=" + URLEncoder.encode(downstream.allowedUrl("/adversarial"), StandardCharsets.UTF_8)
                + c.query;
        RawHttp.Response response = RawHttp.get(agent.baseUrl(), path, c.headers.toArray(new String[0]));
        String seen = redact("got " + response.status + ", WWW-Authenticate: " + response.header("WWW-Authenticate")
                + ", body: " + response.body, c.material);

        assertEquals(c.status, response.status, c + ": " + seen);
        assertNoTokenMaterial(c + " (answer to the client)", response.headers + "\n" + response.body, c.material);
        if (c.agentAnswers()) {
            assertEquals(c.expectedWwwAuthenticate(), response.header("WWW-Authenticate"), c + ": " + seen);
            assertEquals("{\"error\":\"" + c.error + "\",\"error_description\":\"" + c.description + "\"}", response.body, c + ": " + seen);
            assertEquals("no-store", response.header("Cache-Control"), c + ": " + seen);
        }
        int[] callsAfter = agent.applicationCalls();
        if (c.status != 200) {
            assertEquals(callsBefore[0], callsAfter[0], c + ": the servlet must not run");
            assertEquals(callsBefore[1], callsAfter[1], c + ": no application filter may run");
            assertEquals(downstreamBefore, downstream.requestCount(), c + ": nothing may go downstream");
        } else {
            assertEquals(callsBefore[0] + 1, callsAfter[0], c + ": the servlet runs once");
            assertEquals(callsBefore[1] + 1, callsAfter[1], c + ": the application filter runs once");
            assertEquals(String.valueOf(c.subject), response.field("subject"), c + ": " + seen);
            assertEquals("200", response.field("downstream"), c + ": " + seen);
            RecordedRequest downstreamRequest = downstream.take();
            List<String> authorization = downstreamRequest.getHeaders().values("Authorization");
            List<String> expected = c.propagated == null ? List.of() : List.of("Bearer " + c.propagated);
            if (!expected.equals(authorization)) {
                fail(c + ": downstream received " + redact(authorization.toString(), c.material) + ", expected "
                        + redact(expected.toString(), c.material));
            }
        }
        assertEquals(attackerBefore, AdversarialCases.attacker().getRequestCount(),
                c + ": no request may reach a server named by the token");

        String good = AdversarialCases.good(c.target, "next");
        RawHttp.Response next = RawHttp.get(agent.baseUrl(), "/echo", RawHttp.bearer(good));
        assertEquals(200, next.status, c + ": the next good request must be answered normally");
        assertEquals("next", next.field("subject"), c + ": the next good request carries its own token");
    }

    /**
     * The strings no output may contain for a set of tokens: each whole token and, for three-part
     * ones, its payload and signature segments. Pieces shorter than 16 characters are left out:
     * they are too short to be secret and could match by chance.
     */
    static List<String> secretPieces(Collection<String> tokens) {
        List<String> pieces = new ArrayList<>();
        for (String token : tokens) {
            if (token.length() >= 16) {
                pieces.add(token);
            }
            String[] parts = token.split("\\.", -1);
            if (parts.length == 3) {
                for (int i = 1; i < 3; i++) {
                    if (parts[i].length() >= 16) {
                        pieces.add(parts[i]);
                    }
                }
            }
        }
        return pieces;
    }

    static void assertNoTokenMaterial(String where, String text, Collection<String> tokens) {
        for (String piece : secretPieces(tokens)) {
            assertTrue(!text.contains(piece), where + " contains token material of " + RawJws.fingerprint(piece));
        }
    }

    /** Replaces every token (and token piece) in {@code text} by its fingerprint, for failure messages. */
    static String redact(String text, Collection<String> tokens) {
        String result = text;
        for (String piece : secretPieces(tokens)) {
            result = result.replace(piece, "<" + RawJws.fingerprint(piece) + ">");
        }
        return result;
    }
}
