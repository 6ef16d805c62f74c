package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * inbound.header=Cookie made the agent read cookies (SPEC 3: never), refusing every request with
 * ordinary cookies as a malformed header; outbound.header=Content-Length replaced every outbound
 * call's length by the token (the calls failed or hung), and Host lost it without a word. Such
 * headers stop the JVM.
 */
class TokenHeaderNameTest {

    @Test
    void aHeaderThatCannotCarryTheTokenStopsTheJvmNamingTheKey() throws Exception {
        String secretFile = "secret-file=" + System.getProperty("it.secret.file") + ";audience=" + Tokens.AUDIENCE;
        String[][] launches = {{"inbound.header", "Cookie"}, {"outbound.header", "Content-Length"}, {"outbound.header", "host"},
            {"outbound.header", "Proxy-Authorization"}};
        for (String[] launch : launches) {
            AgentLaunch run = AgentLaunch.run(StartupTest.Hello.class, secretFile + ";" + launch[0] + "=" + launch[1], Map.of());
            assertNotEquals(0, run.exitCode, launch[0] + "=" + launch[1] + " started: " + run.stderr);
            assertFalse(run.stdout.contains("hello from the application"), run.stdout);
            assertEquals(1, run.agentLines().size(), run.stderr);
            assertTrue(run.agentLines().get(0).contains("refusing to start: jwt.agent." + launch[0] + ": '" + launch[1]
                    + "' cannot carry the token"), run.stderr);
        }
        AgentLaunch custom = AgentLaunch.run(StartupTest.Hello.class, secretFile + ";inbound.header=X-Token;outbound.header=X-Token", Map.of());
        assertEquals(0, custom.exitCode, custom.stderr);
    }
}
