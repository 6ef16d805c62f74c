package example.jwtagent.it;

import example.jwtagent.it.AdversarialCases.Case;
import example.jwtagent.it.ChildAgents.Target;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC section 6: a token is never written to a log. Child JVMs run the agent at
 * {@code log.level=debug} (one per key source); the whole adversarial table, valid requests and
 * propagation (allowed, not allowed, expired, already set) go through them, and then ALL their
 * output, standard output and standard error, is searched for every token used, and for each
 * token's payload and signature segments. Rejected tokens must be named, and only by fingerprint.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogHygieneTest {
    private static final Pattern FINGERPRINT_MENTION = Pattern.compile("sha256:(\\S{0,12})");

    private final Map<Target, AgentChild> children = new EnumMap<>(Target.class);
    private Downstream downstream;

    @BeforeAll
    void start() throws Exception {
        List<AgentChild> started = ChildAgents.get(Target.SECRET, Target.PEM, Target.JWKS);
        children.put(Target.SECRET, started.get(0));
        children.put(Target.PEM, started.get(1));
        children.put(Target.JWKS, started.get(2));
        downstream = new Downstream();
    }

    @AfterAll
    void stop() throws Exception {
        downstream.close();
    }

    @Test
    void noTokenOrTokenSegmentAppearsInAnyOutputAndRejectedTokensAreNamedByFingerprint() throws Exception {
        Set<String> tokens = new LinkedHashSet<>();
        Map<Target, List<String>> mustBeNamed = new EnumMap<>(Target.class);
        for (Case c : AdversarialCases.all()) {
            AdversarialRunner.run(c, AdversarialRunner.child(children.get(c.target)), downstream);
            tokens.addAll(c.material);
            if (c.named != null) {
                mustBeNamed.computeIfAbsent(c.target, t -> new ArrayList<>()).add(c.named);
            }
        }
        for (Target target : Target.values()) {
            tokens.addAll(propagate(target));
        }
        String expiring = Tokens.signed("erin", b -> b.withExpiresAt(Instant.now().minusSeconds(5)));
        tokens.add(expiring);
        RawHttp.Response expired = call(Target.SECRET, downstream.allowedUrl("/expired"), expiring, null);
        assertEquals("erin", expired.field("subject"), "accepted within the clock skew");
        assertEquals(List.of(), downstream.take().getHeaders().values("Authorization"), "but not sent on");

        for (Target target : Target.values()) {
            AgentChild child = children.get(target);
            String output = awaitOutputNaming(child, mustBeNamed.get(target));
            AdversarialRunner.assertNoTokenMaterial("the output of the " + target + " child JVM", output, tokens);
            assertTrue(output.contains("rejected token sha256:"), "rejections are logged at debug level by fingerprint");
            for (String named : mustBeNamed.get(target)) {
                assertTrue(output.contains(RawJws.fingerprint(named)),
                        "the " + target + " child must name rejected token " + RawJws.fingerprint(named));
            }
            if (target == Target.SECRET) {
                // Refused for its headers rather than a token: logged once a minute too (before, only counted).
                assertTrue(output.contains("rejected request: more than one Authorization header"), "two headers are logged");
            }
            Matcher mention = FINGERPRINT_MENTION.matcher(output);
            while (mention.find()) {
                assertTrue(mention.group(1).matches("[0-9a-f]{12}"), "a token is named only as sha256: and 12 hex digits, not: "
                        + AdversarialRunner.redact(mention.group(), tokens));
            }
        }
    }

    @Test
    void aSubjectWithALineBreakCannotForgeALogLine() throws Exception {
        String forged = "2026-11-30T00:00:00.000Z ERROR jwt-agent.fake - FORGED LINE";
        String token = AdversarialCases.good(Target.SECRET, "mallory\n" + forged);
        RawHttp.get(children.get(Target.SECRET).baseUrl(), "/call?client=url-connection&url="
                + URLEncoder.encode(downstream.allowedUrl("/forged"), StandardCharsets.UTF_8), RawHttp.bearer(token));
        downstream.take();
        String output = awaitOutputNaming(children.get(Target.SECRET), List.of(token));
        assertTrue(output.contains("of subject mallory\\u000a" + forged), "the subject is logged on its line, escaped");
        for (String line : output.split("\n")) {
            assertTrue(!line.startsWith(forged), "a line of the log forged by a subject: " + line);
        }
    }

    /** Valid requests with propagation to an allowed host, a host that is not allowed, and a header the application set. */
    private List<String> propagate(Target target) throws Exception {
        String token = AdversarialCases.good(target, "carol");
        RawHttp.Response allowed = call(target, downstream.allowedUrl("/allowed"), token, null);
        assertEquals("carol", allowed.field("subject"));
        if (!List.of("Bearer " + token).equals(downstream.take().getHeaders().values("Authorization"))) {
            throw new AssertionError(target + ": the verified token must be propagated to an allowed host");
        }
        call(target, downstream.notAllowedUrl("/not-allowed"), token, null);
        assertEquals(List.of(), downstream.take().getHeaders().values("Authorization"), target + ": not-allowed host");
        call(target, downstream.allowedUrl("/own"), token, "Bearer application-own");
        assertEquals(List.of("Bearer application-own"), downstream.take().getHeaders().values("Authorization"), target + ": already set");
        return List.of(token);
    }

    private RawHttp.Response call(Target target, String url, String token, String applicationAuthorization) throws Exception {
        String path = "/call?client=url-connection&url=" + URLEncoder.encode(url, StandardCharsets.UTF_8)
                + (applicationAuthorization == null ? "" : "&auth=" + URLEncoder.encode(applicationAuthorization, StandardCharsets.UTF_8));
        RawHttp.Response response = RawHttp.get(children.get(target).baseUrl(), path, RawHttp.bearer(token));
        assertEquals(200, response.status, target + ": " + response.status);
        assertEquals("200", response.field("downstream"), target + ": downstream status");
        return response;
    }

    /** The child's output once it names the last rejected token: its log lines are read on another thread. */
    private static String awaitOutputNaming(AgentChild child, List<String> named) throws InterruptedException {
        String last = RawJws.fingerprint(named.get(named.size() - 1));
        long deadline = System.nanoTime() + 10_000_000_000L;
        String output = child.output();
        while (!output.contains(last) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            output = child.output();
        }
        return output;
    }
}
