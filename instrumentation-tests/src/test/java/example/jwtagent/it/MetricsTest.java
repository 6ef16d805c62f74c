package example.jwtagent.it;

import example.jwtagent.it.ChildAgents.Target;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC section 6, the counters over JMX: requests go through Tomcat (and for an async dispatch
 * also Jetty) with the agent in this JVM,
 * and {@code jwt.agent:type=Metrics} is read from this JVM's platform MBean server before and
 * after; every counter moves by exactly what the requests did. Key fetch counters come from a
 * child JVM with a JWKS URL (this JVM's agent has a secret and never fetches keys).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsTest {
    private static final List<String> SPEC_COUNTERS = List.of("verified", "missing", "propagated",
            "skipped.not_allowed", "skipped.expired", "skipped.already_set", "key_fetches", "key_fetch_failures");

    private TestServer server;
    /** Jetty 9.4 (javax) in the same JVM, for the dispatch case: a container of the other kind. */
    private TestServer jetty;
    private Downstream downstream;
    private final MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
    private ObjectName name;
    private final List<String> tokensUsed = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        server = new TomcatJakartaServer(2);
        jetty = new JettyJavaxServer(2);
        downstream = new Downstream();
        name = new ObjectName("jwt.agent:type=Metrics");
        // The agent publishes its metrics when it sees its first request, not at startup.
        assertEquals(200, get("/echo").status);
        assertTrue(beans.isRegistered(name), "published after the first request");
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        jetty.close();
        downstream.close();
    }

    private Map<String, Long> read() throws Exception {
        Map<String, Long> values = new TreeMap<>();
        for (MBeanAttributeInfo attribute : beans.getMBeanInfo(name).getAttributes()) {
            values.put(attribute.getName(), (Long) beans.getAttribute(name, attribute.getName()));
        }
        return values;
    }

    private String token(String subject) {
        String token = Tokens.valid(subject);
        tokensUsed.add(token);
        return token;
    }

    private RawHttp.Response get(String path, String... headers) throws Exception {
        return RawHttp.get(server.baseUrl(), path, headers);
    }

    private void call(String client, String url, String token, String applicationAuthorization) throws Exception {
        String path = "/call?client=" + client + "&url=" + URLEncoder.encode(url, StandardCharsets.UTF_8)
                + (applicationAuthorization == null ? "" : "&auth=" + URLEncoder.encode(applicationAuthorization, StandardCharsets.UTF_8));
        RawHttp.Response response = get(path, RawHttp.bearer(token));
        assertEquals("200", response.field("downstream"));
        downstream.take();
    }

    @ParameterizedTest
    @ValueSource(strings = {"tomcat", "jetty"})
    void anAsyncDispatchReusesTheRequestsDecisionAndDoesNotDecideAgain(String container) throws Exception {
        TestServer target = container.equals("jetty") ? jetty : server;
        // /dispatch-call starts async and dispatches to /call on another container thread, which calls downstream.
        String path = "/dispatch-call?client=jdk-send&url=" + URLEncoder.encode(downstream.allowedUrl("/dispatched"), StandardCharsets.UTF_8);
        Map<String, Long> before = read();
        String token = token("dora");
        RawHttp.Response withToken = RawHttp.get(target.baseUrl(), path, RawHttp.bearer(token));
        assertEquals("200", withToken.field("downstream"), withToken.toString());
        assertEquals("dora", withToken.field("subject"), "the dispatch sees the claims of the first decision");
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
        RawHttp.Response anonymous = RawHttp.get(target.baseUrl(), path);
        assertEquals("200", anonymous.field("downstream"), anonymous.toString());
        assertEquals(List.of(), downstream.takeAuthorization());
        Map<String, Long> after = read();
        assertEquals(1L, after.get("verified") - before.get("verified"), "verified once, not again for the dispatch: " + after);
        assertEquals(1L, after.get("missing") - before.get("missing"), "decided once without a token: " + after);
    }

    @Test
    void everyCounterMovesByWhatTheRequestsDid() throws Exception {
        Map<String, Long> before = read();
        for (String counter : SPEC_COUNTERS) {
            assertTrue(before.containsKey(counter), counter + " is listed before anything happened: " + before.keySet());
        }

        assertEquals(200, get("/echo", RawHttp.bearer(token("alice"))).status);
        assertEquals(200, get("/echo", RawHttp.bearer(token("bob"))).status);
        assertEquals(401, get("/echo", RawHttp.bearer(AdversarialCases.forTarget(Target.SECRET).get(0).material.get(0))).status);
        String[] parts = token("mallory").split("\\.");
        assertEquals(401, get("/echo", RawHttp.bearer(parts[0] + "." + parts[1] + ".AAAA" + parts[2].substring(4))).status);
        String expired = Tokens.signed("old", b -> b.withExpiresAt(Instant.now().minusSeconds(3600)));
        tokensUsed.add(expired);
        assertEquals(401, get("/echo", RawHttp.bearer(expired)).status);
        assertEquals(401, get("/echo", RawHttp.bearer("A".repeat(5000))).status);
        assertEquals(400, get("/echo", RawHttp.bearer(token("x")), RawHttp.bearer(token("y"))).status);
        assertEquals(400, get("/echo", "Authorization: Bearer\t" + token("z")).status);
        assertEquals(200, get("/echo").status);
        assertEquals(200, get("/echo", "Authorization: Basic YWxpY2U6c2VjcmV0").status);
        assertEquals(200, get("/health", RawHttp.bearer("garbage")).status);
        assertEquals(200, get("/echo?access_token=" + token("q")).status);
        assertEquals(200, get("/echo?access%5Ftoken=" + token("q")).status);

        // java.net.http consults the agent once per request (per hop): the outbound counters are exact.
        call("jdk-send", downstream.allowedUrl("/a"), token("carol"), null);
        call("jdk-send", downstream.allowedUrl("/b"), token("carol"), null);
        call("jdk-send", downstream.notAllowedUrl("/c"), token("carol"), null);
        String expiring = Tokens.signed("erin", b -> b.withExpiresAt(Instant.now().minusSeconds(5)));
        tokensUsed.add(expiring);
        call("jdk-send", downstream.allowedUrl("/d"), expiring, null);
        call("jdk-send", downstream.allowedUrl("/e"), token("carol"), "Bearer application-own");

        Map<String, Long> after = read();
        Map<String, Long> expected = new TreeMap<>();
        expected.put("verified", 2L + 5L);
        expected.put("rejected.malformed", 1L);
        expected.put("rejected.bad_signature", 1L);
        expected.put("rejected.expired", 1L);
        expected.put("rejected.too_large", 1L);
        expected.put("rejected.multiple_tokens", 1L);
        expected.put("rejected.malformed_header", 1L);
        expected.put("missing", 4L);
        expected.put("excluded", 1L);
        expected.put("query_token_ignored", 2L);
        expected.put("propagated", 2L);
        expected.put("skipped.not_allowed", 1L);
        expected.put("skipped.expired", 1L);
        expected.put("skipped.already_set", 1L);
        Map<String, Long> deltas = new TreeMap<>();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long delta = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (delta != 0) {
                deltas.put(e.getKey(), delta);
            }
        }
        assertEquals(expected, deltas);
        assertEquals(0L, after.get("key_fetches"), "a secret is never fetched");
        assertEquals(0L, after.get("key_fetch_failures"));
        assertNoTokenIn(after);
    }

    /**
     * A token that has expired, on its way to a host that is not allowed: both would keep it back, and every
     * client counts it the same way, as expired (the policy's order). Reactor Netty checked the address it
     * connected to first and counted it as not allowed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jdk-send", "okhttp", "apache5", "webclient"})
    void anExpiredTokenToAHostNotAllowedCountsAsExpiredWithEveryClient(String client) throws Exception {
        String expiring = Tokens.signed("erin", b -> b.withExpiresAt(Instant.now().minusSeconds(5)));
        tokensUsed.add(expiring);
        Map<String, Long> before = read();
        String path = "/call?client=" + client + "&url=" + URLEncoder.encode(downstream.notAllowedUrl("/x"), StandardCharsets.UTF_8);
        RawHttp.Response response = get(path, RawHttp.bearer(expiring));
        assertEquals("200", response.field("downstream"), response.toString());
        assertEquals(List.of(), downstream.takeAuthorization());
        Map<String, Long> after = read();
        assertEquals(1L, after.get("skipped.expired") - before.get("skipped.expired"), "skipped.expired");
        assertEquals(0L, after.get("skipped.not_allowed") - before.get("skipped.not_allowed"), "skipped.not_allowed");
    }

    @Test
    void httpUrlConnectionCountsEachRequestOnce() throws Exception {
        Map<String, Long> before = read();
        call("url-connection", downstream.allowedUrl("/a"), token("carol"), null);
        call("url-connection", downstream.notAllowedUrl("/b"), token("carol"), null);
        call("url-connection", downstream.allowedUrl("/c"), token("carol"), "Bearer application-own");
        Map<String, Long> after = read();
        for (String counter : List.of("propagated", "skipped.not_allowed", "skipped.already_set")) {
            assertEquals(1L, after.get(counter) - before.get(counter), counter);
        }
    }

    /** A call whose redirects go through two hosts that are not allowed: one refusal, on the first of them; nothing more is decided. */
    @Test
    void httpUrlConnectionCountsARefusedRedirectChainOnce() throws Exception {
        try (Downstream last = new Downstream();
             Downstream second = new Downstream(last.notAllowedUrl("/last"));
             Downstream first = new Downstream(second.notAllowedUrl("/second"))) {
            Map<String, Long> before = read();
            RawHttp.Response response = get("/call?client=url-connection&url=" + URLEncoder.encode(first.allowedUrl("/first"), StandardCharsets.UTF_8),
                    RawHttp.bearer(token("carol")));
            assertEquals("200", response.field("downstream"));
            Map<String, Long> after = read();
            for (String counter : List.of("propagated", "skipped.not_allowed")) {
                assertEquals(1L, after.get(counter) - before.get(counter), counter);
            }
            assertEquals(1, first.takeAuthorization().size(), "the first hop, allowed, got the token");
            assertEquals(List.of(), second.takeAuthorization());
            assertEquals(List.of(), last.takeAuthorization());
        }
    }

    /** A call that never connects writes no request: nothing is decided, and no counter moves. */
    @Test
    void httpUrlConnectionCountsNothingForACallThatNeverConnects() throws Exception {
        Downstream closed = new Downstream();
        String url = closed.allowedUrl("/gone");
        closed.close();
        Map<String, Long> before = read();
        RawHttp.Response response = get("/call?client=url-connection&url=" + URLEncoder.encode(url, StandardCharsets.UTF_8),
                RawHttp.bearer(token("carol")));
        assertNotEquals("200", response.field("downstream"), response.toString());
        Map<String, Long> after = read();
        for (String counter : List.of("propagated", "skipped.not_allowed", "skipped.already_set", "skipped.expired")) {
            assertEquals(0L, after.get(counter) - before.get(counter), counter);
        }
    }

    @Test
    void keyFetchesAreCountedInAJvmWithAJwksUrl() throws Exception {
        AgentChild child = ChildAgents.get(Target.JWKS);
        String good = AdversarialCases.good(Target.JWKS, "alice");
        tokensUsed.add(good);
        assertEquals(200, RawHttp.get(child.baseUrl(), "/echo", RawHttp.bearer(good)).status);
        Map<String, Long> metrics = child.metrics();
        assertTrue(metrics.get("key_fetches") >= 1, metrics.toString());
        assertEquals(0L, metrics.get("key_fetch_failures"), metrics.toString());
        assertTrue(metrics.get("verified") >= 1, metrics.toString());
        assertNoTokenIn(metrics);
    }

    private void assertNoTokenIn(Map<String, Long> metrics) {
        AdversarialRunner.assertNoTokenMaterial("a metric name or value", metrics.toString(), tokensUsed);
        for (String attribute : metrics.keySet()) {
            assertTrue(attribute.matches("[a-z_]+(\\.[a-z_]+)?"), "a metric name is a fixed word: " + AdversarialRunner.redact(attribute, tokensUsed));
        }
    }
}
