package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README, Logging and metrics: {@code log.level=debug} adds one line per decision, so that an
 * operator can tell what the agent did to each request. A JVM of its own at debug level (the test
 * JVM's settings: {@code /health} excluded), and requests that the agent lets through without a
 * token or refuses for their headers, each twice within the minute in which the info line of a
 * refusal is printed only once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DebugLinePerDecisionTest {
    private ChildJvm child;

    @BeforeAll
    void start() throws Exception {
        child = ChildJvm.main(RelayChild.class).agentSetting("log.level", "debug").start();
    }

    @AfterAll
    void stop() {
        child.close();
    }

    private int inboundLines() {
        return lines(" jwt-agent.inbound - ");
    }

    private int lines(String containing) {
        int count = 0;
        for (String line : child.output().split("\n")) {
            if (line.contains(containing)) {
                count++;
            }
        }
        return count;
    }

    private void awaitLines(String containing, int count) throws InterruptedException {
        // The log is read from the child's output: give its pump a moment.
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (lines(containing) < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Sends the request twice; each time the agent's inbound log must gain a line. */
    private void eachDecisionIsLogged(String what, int status, String path, String... headers) throws Exception {
        for (int i = 1; i <= 2; i++) {
            int before = inboundLines();
            RawHttp.Response response = RawHttp.get(child.baseUrl(), path, headers);
            assertEquals(status, response.status, what + ": " + response);
            // The log is read from the child's output: give its pump a moment.
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (inboundLines() == before && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(before + 1, inboundLines(), what + ", request " + i + ": one debug line per decision\n" + child.output());
        }
    }

    /** An outbound call that carries the token, or that the application gave a header of its own, says so at debug. */
    @Test
    void everyOutboundSendGetsALineAtDebugLevel() throws Exception {
        String token = Tokens.valid("alice");
        try (Downstream downstream = new Downstream()) {
            String sent = " jwt-agent.outbound - sending token ";
            String ownHeader = "the request already carries the outbound header, set by the application";
            for (int i = 1; i <= 2; i++) {
                int before = lines(sent);
                RawHttp.Response response = RawHttp.get(child.baseUrl(), "/call?client=jdk-send&url="
                        + java.net.URLEncoder.encode(downstream.allowedUrl("/x"), java.nio.charset.StandardCharsets.UTF_8), RawHttp.bearer(token));
                assertEquals(200, response.status, response.toString());
                assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
                awaitLines(sent, before + 1);
                assertEquals(before + 1, lines(sent), "call " + i + ": one debug line per token sent\n" + child.output());

                int ownBefore = lines(ownHeader);
                response = RawHttp.get(child.baseUrl(), "/call?client=jdk-send&auth=Basic%20YWxpY2U6c2VjcmV0&url="
                        + java.net.URLEncoder.encode(downstream.allowedUrl("/x"), java.nio.charset.StandardCharsets.UTF_8), RawHttp.bearer(token));
                assertEquals(200, response.status, response.toString());
                assertEquals(List.of("Basic YWxpY2U6c2VjcmV0"), downstream.takeAuthorization());
                awaitLines(ownHeader, ownBefore + 1);
                assertEquals(ownBefore + 1, lines(ownHeader), "call " + i + ": one debug line per header kept\n" + child.output());
            }
            assertTrue(child.output().contains(sent + RawJws.fingerprint(token) + " to localhost"), child.output());
            assertFalse(child.output().contains(token), "the token itself is never logged");
        }
    }

    /**
     * A call to a host that is not allowed is logged at info once a minute per host; at debug every
     * such call still gets its line, as a refused inbound request does (before, the second call
     * within the minute left no line, and an operator could not tell why it went without the token).
     */
    @Test
    void everyCallToAHostNotAllowedGetsALineAtDebugLevel() throws Exception {
        String token = Tokens.valid("alice");
        try (Downstream downstream = new Downstream()) {
            String notSent = " jwt-agent.outbound - not sending token " + RawJws.fingerprint(token) + " to ";
            for (int i = 1; i <= 2; i++) {
                int before = lines(notSent);
                RawHttp.Response response = RawHttp.get(child.baseUrl(), "/call?client=jdk-send&url="
                        + java.net.URLEncoder.encode(downstream.notAllowedUrl("/x"), java.nio.charset.StandardCharsets.UTF_8), RawHttp.bearer(token));
                assertEquals(200, response.status, response.toString());
                assertEquals(List.of(), downstream.takeAuthorization());
                awaitLines(notSent, before + 1);
                assertEquals(before + 1, lines(notSent), "call " + i + ": one line per call not sent the token\n" + child.output());
            }
        }
    }

    /**
     * The same for an https call that OkHttp's redirect takes to plain http on an allowed host that is
     * not loopback ({@code orders}, mapped to 127.0.0.1 by the child's hosts file; see
     * {@code DowngradeRedirectTest}): each such hop gets its line at debug, not only the first per minute.
     */
    @Test
    void everyDowngradedHopGetsALineAtDebugLevel() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("debug-downgrade");
        java.nio.file.Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n127.0.0.1 orders\n");
        String token = Tokens.valid("alice");
        try (Downstream plain = new Downstream();
             Downstream secureToPlain = Downstream.https(plain.allowedUrl("/landing").replace("//localhost:", "//orders:"))) {
            ChildJvm.Builder builder = ChildJvm.main(RelayChild.class).agentSetting("log.level", "debug")
                    .agentSetting("outbound.allowed-hosts", "localhost,orders").jvmArgument("-Djdk.net.hosts.file=" + dir.resolve("hosts"));
            for (String argument : TestTls.trustingJvmArguments(dir)) {
                builder.jvmArgument(argument);
            }
            try (ChildJvm downgrading = builder.start()) {
                String notSent = " jwt-agent.outbound - not sending token " + RawJws.fingerprint(token) + " to orders: plain http";
                for (int i = 1; i <= 2; i++) {
                    int before = count(downgrading.output(), notSent);
                    RawHttp.Response response = RawHttp.get(downgrading.baseUrl(), "/call?client=okhttp&url="
                            + java.net.URLEncoder.encode(secureToPlain.allowedUrl("/start"), java.nio.charset.StandardCharsets.UTF_8), RawHttp.bearer(token));
                    assertEquals(List.of("Bearer " + token), secureToPlain.takeAuthorization(), "the https hop\n" + response);
                    assertEquals(List.of(), plain.takeAuthorization(), "the plain http hop to orders\n" + response);
                    long deadline = System.nanoTime() + 2_000_000_000L;
                    while (count(downgrading.output(), notSent) == before && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                    assertEquals(before + 1, count(downgrading.output(), notSent), "call " + i + ": one line per hop not sent the token\n" + downgrading.output());
                }
            }
        }
    }

    private static int count(String output, String containing) {
        int count = 0;
        for (String line : output.split("\n")) {
            if (line.contains(containing)) {
                count++;
            }
        }
        return count;
    }

    /**
     * The first request reports, once, how long the class file transformer took until then and how
     * much of it went to the classes it rewrote: Tomcat's servlet classes at least.
     */
    @Test
    void theFirstRequestReportsTheTransformersTimeUntilThen() throws Exception {
        assertEquals(200, RawHttp.get(child.baseUrl(), "/echo").status);
        String report = " DEBUG jwt-agent.startup - until the first request the transformer looked at ";
        awaitLines(report, 1);
        java.util.regex.Matcher line = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(report)
                + "(\\d+) classes in \\d+ ms, of which (\\d+) rewritten in \\d+ ms").matcher(child.output());
        assertTrue(line.find(), child.output());
        assertTrue(Integer.parseInt(line.group(1)) > 1000, "every class Tomcat's start loaded: " + line.group());
        assertTrue(Integer.parseInt(line.group(2)) >= 2, "Tomcat's filter chain and servlet at least: " + line.group());
        assertFalse(line.find(), "once: " + child.output());
    }

    @Test
    void everyDecisionGetsALineAtDebugLevel() throws Exception {
        eachDecisionIsLogged("a valid token", 200, "/echo", RawHttp.bearer(Tokens.valid("alice")));
        eachDecisionIsLogged("a refused token", 401, "/echo", RawHttp.bearer("not.a.token"));
        eachDecisionIsLogged("no token", 200, "/echo");
        eachDecisionIsLogged("another scheme", 200, "/echo", "Authorization: Basic YWxpY2U6c2VjcmV0");
        eachDecisionIsLogged("an excluded path", 200, "/health", RawHttp.bearer(Tokens.valid("alice")));
        eachDecisionIsLogged("two Authorization headers", 400, "/echo", RawHttp.bearer(Tokens.valid("x")), RawHttp.bearer(Tokens.valid("y")));
        eachDecisionIsLogged("a malformed header", 400, "/echo", "Authorization: Bearer\t" + Tokens.valid("z"));
    }
}
