package example.jwtagent.it;

import com.auth0.jwt.algorithms.Algorithm;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * SPEC section 6, one request per counter: every rejection reason, missing, excluded, a token in the
 * query, the outbound outcomes and key fetches and their failures, in enforce and monitor mode,
 * through a child JVM with a JWKS URL. Each request moves exactly its counters (monitor mode adds
 * {@code monitored} to each invalid one and lets it through); key fetches move at least by one.
 */
class MetricsPerReasonTest {
    @Test
    void eachRequestMovesItsCounters() throws Exception {
        AtomicBoolean failing = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        StringBuilder report = new StringBuilder();
        try (MockWebServer jwks = new MockWebServer(); Downstream downstream = new Downstream()) {
            jwks.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    served.incrementAndGet();
                    return failing.get() ? new MockResponse.Builder().code(500).build()
                            : new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(AdversarialKeys.jwks()).build();
                }
            });
            jwks.start(InetAddress.getByName("127.0.0.1"), 0);
            for (String mode : List.of("enforce", "monitor")) {
                try (AgentChild child = AgentChild.start("metrics-" + mode, List.of("issuer=" + Tokens.ISSUER, "audience=" + Tokens.AUDIENCE,
                        "jwks-url=http://127.0.0.1:" + jwks.getPort() + "/jwks.json", "required-claims=tenant", "inbound.required=true",
                        "inbound.exclude-paths=/health", "outbound.allowed-hosts=localhost", "jwks.min-refetch-interval=1s", "max-token-size=4096", "mode=" + mode))) {
                    child.awaitReady();
                    failing.set(false);
                    RawHttp.get(child.baseUrl(), "/health");
                    Thread.sleep(1500);
                    Map<String, Long> before = child.metrics();
                    report.append("\n=== ").append(mode).append(" initial: ").append(before).append('\n');
                    Algorithm rs = AdversarialKeys.rs256(AdversarialKeys.RSA);
                    Algorithm attacker = AdversarialKeys.rs256(AdversarialKeys.ATTACKER_RSA);
                    Map<String, Object> h = RawJws.header("RS256", "kid", "rsa-1");
                    long now = Instant.now().getEpochSecond();
                    step(report, child, mode, "valid", "verified", "/echo", RawHttp.bearer(tok(rs, h, c(null, null))));
                    step(report, child, mode, "expired", "rejected.expired", "/echo", RawHttp.bearer(tok(rs, h, c("exp", now - 3600))));
                    step(report, child, mode, "nbf future", "rejected.not_yet_valid", "/echo", RawHttp.bearer(tok(rs, h, c("nbf", now + 3600))));
                    step(report, child, mode, "iat future", "rejected.issued_in_future", "/echo", RawHttp.bearer(tok(rs, h, c("iat", now + 3600))));
                    Map<String, Object> noExp = c(null, null);
                    noExp.remove("exp");
                    step(report, child, mode, "no exp", "rejected.missing_exp", "/echo", RawHttp.bearer(tok(rs, h, noExp)));
                    step(report, child, mode, "wrong iss", "rejected.wrong_issuer", "/echo", RawHttp.bearer(tok(rs, h, c("iss", "https://other"))));
                    step(report, child, mode, "wrong aud", "rejected.wrong_audience", "/echo", RawHttp.bearer(tok(rs, h, c("aud", "other"))));
                    Map<String, Object> noTenant = c(null, null);
                    noTenant.remove("tenant");
                    step(report, child, mode, "no tenant", "rejected.missing_claim", "/echo", RawHttp.bearer(tok(rs, h, noTenant)));
                    step(report, child, mode, "HS256", "rejected.algorithm_not_allowed", "/echo", RawHttp.bearer(RawJws.sign(Algorithm.HMAC256(Tokens.secret()),
                            RawJws.json(RawJws.header("HS256")), RawJws.json(c(null, null)))));
                    Thread.sleep(1200);
                    step(report, child, mode, "attacker key, kid rsa-1", "rejected.bad_signature +fetch", "/echo", RawHttp.bearer(tok(attacker, h, c(null, null))));
                    Thread.sleep(1200);
                    step(report, child, mode, "unknown kid", "rejected.unknown_key +fetch", "/echo", RawHttp.bearer(tok(rs, RawJws.header("RS256", "kid", "nope"), c(null, null))));
                    step(report, child, mode, "malformed", "rejected.malformed", "/echo", RawHttp.bearer("abc.def.ghi"));
                    step(report, child, mode, "too large", "rejected.too_large", "/echo", RawHttp.bearer("A".repeat(5000)));
                    step(report, child, mode, "duplicate member", "rejected.duplicate_member", "/echo", RawHttp.bearer(RawJws.sign(rs, RawJws.json(h),
                            RawJws.json(c(null, null)).replace("{", "{\"sub\":\"x\","))));
                    step(report, child, mode, "crit", "rejected.unsupported_crit", "/echo", RawHttp.bearer(tok(rs, RawJws.header("RS256", "kid", "rsa-1", "crit", List.of("foo"), "foo", 1), c(null, null))));
                    step(report, child, mode, "no token (required)", "missing rejected.missing_required", "/echo");
                    step(report, child, mode, "excluded /health with token", "excluded", "/health", RawHttp.bearer("garbage"));
                    step(report, child, mode, "two headers", "rejected.multiple_tokens", "/echo", RawHttp.bearer(tok(rs, h, c(null, null))), RawHttp.bearer(tok(rs, h, c(null, null))));
                    step(report, child, mode, "malformed header", "rejected.malformed_header", "/echo", "Authorization: Bearer a b");
                    step(report, child, mode, "query token", "missing query_token_ignored rejected.missing_required", "/echo?access_token=abc");
                    String good = tok(rs, h, c(null, null));
                    step(report, child, mode, "propagated", "propagated verified", call(downstream.allowedUrl("/a"), null), RawHttp.bearer(good));
                    downstream.take();
                    step(report, child, mode, "not allowed", "skipped.not_allowed verified", call(downstream.notAllowedUrl("/b"), null), RawHttp.bearer(good));
                    downstream.take();
                    step(report, child, mode, "already set", "skipped.already_set verified", call(downstream.allowedUrl("/c"), "Bearer own"), RawHttp.bearer(good));
                    downstream.take();
                    step(report, child, mode, "expired within skew", "skipped.expired verified", call(downstream.allowedUrl("/d"), null), RawHttp.bearer(tok(rs, h, c("exp", now - 5))));
                    downstream.take();
                    failing.set(true);
                    Thread.sleep(1200);
                    step(report, child, mode, "unknown kid, JWKS 500", "rejected.unknown_key +fetch failure", "/echo", RawHttp.bearer(tok(rs, RawJws.header("RS256", "kid", "nope2"), c(null, null))));
                    Thread.sleep(500);
                    step(report, child, mode, "(nothing, later)", "", null);
                }
            }
        }
        System.out.println(report);
        assertFalse(report.toString().contains("MISMATCH"), report.toString());
    }

    private static String call(String url, String auth) {
        return "/call?client=jdk-send&url=" + URLEncoder.encode(url, StandardCharsets.UTF_8)
                + (auth == null ? "" : "&auth=" + URLEncoder.encode(auth, StandardCharsets.UTF_8));
    }

    private static Map<String, Object> c(String name, Object value) {
        Map<String, Object> claims = RawJws.claims("probe");
        claims.put("tenant", "t1");
        if (name != null) {
            claims.put(name, value);
        }
        return claims;
    }

    private static String tok(Algorithm alg, Map<String, Object> header, Map<String, Object> claims) {
        return RawJws.sign(alg, RawJws.json(header), RawJws.json(claims));
    }

    private static void step(StringBuilder report, AgentChild child, String mode, String what, String expected, String path,
                             String... headers) throws Exception {
        Map<String, Long> before = child.metrics();
        String status = "-";
        if (path != null) {
            RawHttp.Response r = RawHttp.get(child.baseUrl(), path, headers);
            status = String.valueOf(r.status);
        }
        Thread.sleep(100);
        Map<String, Long> after = child.metrics();
        Map<String, Long> delta = new TreeMap<>();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d != 0) {
                delta.put(e.getKey(), d);
            }
        }
        long fetches = delta.getOrDefault("key_fetches", 0L);
        long failures = delta.getOrDefault("key_fetch_failures", 0L);
        delta.remove("key_fetches");
        delta.remove("key_fetch_failures");
        String want = expected;
        boolean invalid = want.startsWith("rejected.") || want.contains(" rejected.");
        if (mode.equals("monitor") && invalid) {
            want = (want + " monitored").trim();
        }
        Map<String, Long> wanted = new TreeMap<>();
        for (String name : want.split(" ")) {
            if (!name.isEmpty()) {
                if (!name.startsWith("+") && !name.equals("failure")) {
                    wanted.put(name, 1L);
                }
            }
        }
        String line = String.format("%s %-30s %s %s (key fetches %d, failures %d)", mode, what, status, delta, fetches, failures);
        if (!wanted.equals(delta) || expected.contains("+fetch") && fetches < 1 || expected.contains("failure") && failures < 1) {
            report.append("MISMATCH, expected ").append(wanted).append(": ");
        }
        report.append(line).append('\n');
    }
}
