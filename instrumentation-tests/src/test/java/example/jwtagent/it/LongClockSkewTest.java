package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * clock-skew=30m (30s meant): every token was accepted for half an hour after it expired, without
 * a word at startup, while a refresh interval mistyped the same way is refused.
 */
class LongClockSkewTest {

    @Test
    void aClockSkewOfMinutesGetsAStartupWarning() throws Exception {
        String settings = "secret-file=" + System.getProperty("it.secret.file") + ";audience=" + Tokens.AUDIENCE + ";clock-skew=";
        AgentLaunch longSkew = AgentLaunch.run(StartupTest.Hello.class, settings + "30m", Map.of());
        assertEquals(0, longSkew.exitCode, longSkew.stderr);
        assertTrue(longSkew.stderr.contains(" WARN jwt-agent.startup - jwt.agent.clock-skew is 30m: tokens are accepted for that long after"
                + " they expire"), longSkew.stderr);
        AgentLaunch usual = AgentLaunch.run(StartupTest.Hello.class, settings + "30s", Map.of());
        assertEquals(0, usual.exitCode, usual.stderr);
        assertFalse(usual.stderr.contains("clock-skew"), usual.stderr);
    }
}
