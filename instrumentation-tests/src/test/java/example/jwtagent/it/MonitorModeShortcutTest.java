package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Monitor mode and excluded paths on Tomcat 11 with one worker thread, so that every request runs on
 * the thread that remembers the last verified header: a request whose token is not verified, or that
 * is on an excluded path, sends no token downstream, even right after the same thread verified one.
 */
class MonitorModeShortcutTest {

    private static String q(Downstream downstream) {
        return "?url=" + URLEncoder.encode(downstream.allowedUrl("/next"), StandardCharsets.UTF_8);
    }

    private static String forged(String token) {
        int middle = token.length() - 10;
        return token.substring(0, middle) + (token.charAt(middle) == 'A' ? 'B' : 'A') + token.substring(middle + 1);
    }

    @Test
    void tomcat() throws Exception {
        check(MonitorShortcutChild.class, "tomcat");
    }

    @Test
    void jetty9() throws Exception {
        check(MonitorShortcutChild.class, "jetty9");
    }

    @Test
    void undertow() throws Exception {
        check(MonitorShortcutChild.class, "undertow");
    }

    /** The checks, in a child JVM running {@code main} with argument {@code server}. */
    static void check(Class<?> main, String server) throws Exception {
        String valid = Tokens.valid("alice");
        List<String> unverified = new ArrayList<>();
        unverified.add(forged(valid));
        unverified.add(Tokens.signed("alice", b -> b.withExpiresAt(Instant.now().minusSeconds(120))));
        unverified.add(Tokens.signed("alice", b -> b.withIssuer("https://other.test")));
        unverified.add(Tokens.signed("alice", b -> b.withAudience("billing")));
        try (Downstream downstream = new Downstream();
             ChildJvm child = ChildJvm.main(main).argument(server).agentSetting("mode", "monitor").start()) {
            String base = child.baseUrl();
            for (int round = 0; round < 3; round++) {
                for (String token : unverified) {
                    RawHttp.Response good = RawHttp.get(base, "/call" + q(downstream), RawHttp.bearer(valid));
                    assertEquals("alice", String.valueOf(good.field("subject")).trim(), good + child.output());
                    assertEquals(List.of("Bearer " + valid), downstream.takeAuthorization());
                    RawHttp.Response bad = RawHttp.get(base, "/call" + q(downstream), RawHttp.bearer(token));
                    assertEquals(200, bad.status, bad.toString());
                    assertEquals("null", String.valueOf(bad.field("subject")).trim(), bad.toString());
                    assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "unverified token sent");
                }
                // The same valid token on an excluded path, directly and forwarding into a protected path.
                RawHttp.get(base, "/call" + q(downstream), RawHttp.bearer(valid));
                assertEquals(List.of("Bearer " + valid), downstream.takeAuthorization());
                RawHttp.get(base, "/public/x" + q(downstream), RawHttp.bearer(valid));
                assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "excluded path sent a token");
                RawHttp.get(base, "/call" + q(downstream), RawHttp.bearer(valid));
                assertEquals(List.of("Bearer " + valid), downstream.takeAuthorization());
                RawHttp.get(base, "/public/forward" + q(downstream), RawHttp.bearer(valid));
                assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "forward from excluded sent a token");
                RawHttp.get(base, "/public/forward" + q(downstream), RawHttp.bearer(forged(valid)));
                assertEquals(Collections.emptyList(), downstream.takeAuthorization());
                for (String path : new String[] {"/public/include", "/public/dispatch"}) {
                    RawHttp.get(base, "/call" + q(downstream), RawHttp.bearer(valid));
                    assertEquals(List.of("Bearer " + valid), downstream.takeAuthorization());
                    RawHttp.get(base, path + q(downstream), RawHttp.bearer(valid));
                    assertEquals(Collections.emptyList(), downstream.takeAuthorization(), path + " sent a token");
                }
                // Two headers, the verified one among them.
                RawHttp.get(base, "/call" + q(downstream), RawHttp.bearer(valid));
                assertEquals(List.of("Bearer " + valid), downstream.takeAuthorization());
                RawHttp.get(base, "/call" + q(downstream), RawHttp.bearer(valid), RawHttp.bearer(valid));
                assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "two headers sent a token");
                RawHttp.get(base, "/call" + q(downstream), RawHttp.bearer(valid), RawHttp.bearer(forged(valid)));
                assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "two headers sent a token");
                // No token at all after a verified one.
                RawHttp.get(base, "/call" + q(downstream), RawHttp.bearer(valid));
                assertEquals(List.of("Bearer " + valid), downstream.takeAuthorization());
                RawHttp.get(base, "/call" + q(downstream));
                assertEquals(Collections.emptyList(), downstream.takeAuthorization());
                // Async dispatch, listener timeout and error dispatch of a forged token's request.
                for (String path : new String[] {"/dispatch", "/timeout", "/fail"}) {
                    RawHttp.get(base, "/call" + q(downstream), RawHttp.bearer(valid));
                    assertEquals(List.of("Bearer " + valid), downstream.takeAuthorization());
                    RawHttp.get(base, path + q(downstream), RawHttp.bearer(forged(valid)));
                    assertEquals(Collections.emptyList(), downstream.takeAuthorization(), path + " sent a token " + child.output());
                    RawHttp.get(base, path + q(downstream), RawHttp.bearer(valid));
                    assertEquals(List.of("Bearer " + valid), downstream.takeAuthorization(), path);
                }
            }

            // A token that expires between requests on the same thread: within the 30 s skew it is verified, but past
            // its exp, so it is not sent (README: no skew outbound); past exp and skew, it is refused (subject null).
            String shortLived = Tokens.signed("short", b -> b.withExpiresAt(Instant.now().minusSeconds(25)));
            for (int i = 0; i < 3; i++) {
                RawHttp.Response fresh = RawHttp.get(base, "/call" + q(downstream), RawHttp.bearer(shortLived));
                assertEquals("short", String.valueOf(fresh.field("subject")).trim(), fresh.toString());
                assertEquals(Collections.emptyList(), downstream.takeAuthorization());
            }
            Thread.sleep(5500);
            for (int i = 0; i < 3; i++) {
                RawHttp.Response late = RawHttp.get(base, "/call" + q(downstream), RawHttp.bearer(shortLived));
                assertEquals("null", String.valueOf(late.field("subject")).trim(), late.toString());
                assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "expired token sent");
            }

            String output = child.output();
            for (String token : unverified) {
                assertFalse(output.contains(token.substring(token.lastIndexOf('.') + 1)), "a log line quotes a token");
            }
            assertFalse(output.contains(valid.substring(valid.lastIndexOf('.') + 1)), "a log line quotes a token");
        }
    }
}
