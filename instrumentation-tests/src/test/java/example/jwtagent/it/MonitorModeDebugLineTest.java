package example.jwtagent.it;

import com.auth0.jwt.algorithms.Algorithm;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mode=monitor at log.level=debug: the first invalid token of a kind was logged as "monitor mode:
 * accepted invalid token", every later one as "rejected token", although each request went on
 * to the application.
 */
class MonitorModeDebugLineTest {

    @Test
    void everyInvalidTokenInMonitorModeIsLoggedAsAccepted() throws Exception {
        Algorithm wrong = Algorithm.HMAC256("another-secret-of-at-least-32-bytes-long!!".getBytes(StandardCharsets.UTF_8));
        try (AgentChild child = AgentChild.start("monitor-debug", List.of("issuer=" + Tokens.ISSUER, "audience=" + Tokens.AUDIENCE,
                "mode=monitor", "log.level=debug", "secret-file=" + System.getProperty("it.secret.file")))) {
            child.awaitReady();
            String first = Tokens.signedWith(wrong, "first", b -> { });
            String second = Tokens.signedWith(wrong, "second", b -> { });
            for (String token : List.of(first, second)) {
                assertEquals(200, RawHttp.get(child.baseUrl(), "/echo", RawHttp.bearer(token)).status, "monitor mode lets it through");
            }
            String output = child.output();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!output.contains(RawJws.fingerprint(second)) && System.nanoTime() < deadline) {
                Thread.sleep(50);
                output = child.output();
            }
            assertTrue(output.contains("monitor mode: accepted invalid token " + RawJws.fingerprint(first) + ": bad signature"), output);
            assertTrue(output.contains("DEBUG jwt-agent.inbound - monitor mode: accepted invalid token " + RawJws.fingerprint(second)
                    + ": bad signature"), output);
            assertFalse(output.contains("rejected token"), "nothing was rejected: " + output);
        }
    }
}
