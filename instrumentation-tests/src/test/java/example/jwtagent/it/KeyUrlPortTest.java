package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A key URL or issuer with a port no connection can use (99999 typed for 9999, or 0): the JVM
 * started, and the service refused every token while the fetch failed for ever, as if the key
 * endpoint were down.
 */
class KeyUrlPortTest {

    @Test
    void aPortOutOfRangeStopsTheJvmNamingTheKey() throws Exception {
        String[][] launches = {
            {"jwks-url", "jwks-url=https://idp.example:99999/keys;issuer=" + Tokens.ISSUER},
            {"jwks-url", "jwks-url=http://127.0.0.1:70000/keys;issuer=" + Tokens.ISSUER},
            {"issuer", "issuer=https://idp.example:0/realms/shop"},
        };
        for (String[] launch : launches) {
            AgentLaunch run = AgentLaunch.run(StartupTest.Hello.class, launch[1], Map.of());
            assertNotEquals(0, run.exitCode, "started with a key URL no fetch can reach: " + run.stderr);
            assertFalse(run.stdout.contains("hello from the application"), run.stdout);
            assertEquals(1, run.agentLines().size(), run.stderr);
            assertTrue(run.agentLines().get(0).contains("refusing to start: jwt.agent." + launch[0] + ": port "), run.stderr);
            assertFalse(run.stderr.contains("idp.example"), "the URL is not quoted: " + run.stderr);
        }
    }
}
