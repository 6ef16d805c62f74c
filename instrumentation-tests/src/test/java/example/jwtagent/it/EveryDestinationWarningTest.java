package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * allowed-hosts entries that let the token go to every destination of their kind start the agent
 * with a warning that names them: '*', and the CIDR blocks of prefix length 0, which take in every
 * public IP literal. A block of a private range starts it without one.
 */
class EveryDestinationWarningTest {
    private static final String SETTINGS = "secret-file=" + System.getProperty("it.secret.file") + ";audience=" + Tokens.AUDIENCE;

    @Test
    void everyDestinationIsNamedAtStartup() throws Exception {
        AgentLaunch star = launch("orders,*");
        assertTrue(star.stderr.contains(" WARN jwt-agent.startup - jwt.agent.outbound.allowed-hosts contains '*': the token goes to every"
                + " destination"), star.stderr);

        AgentLaunch blocks = launch("orders,0.0.0.0/0,::/0");
        for (String block : new String[] {"0.0.0.0/0", "::/0"}) {
            assertTrue(blocks.stderr.contains(" WARN jwt-agent.startup - jwt.agent.outbound.allowed-hosts contains '" + block
                    + "': the token goes to every destination addressed by an IP literal, public ones included"), blocks.stderr);
        }
    }

    @Test
    void aPrivateBlockStartsWithoutAWarning() throws Exception {
        AgentLaunch narrow = launch("orders,10.0.0.0/8,fd00::/8");
        assertFalse(narrow.stderr.contains("allowed-hosts contains"), narrow.stderr);
        assertTrue(narrow.stderr.contains("allowed-hosts=orders,10.0.0.0/8,fd00::/8"), narrow.stderr);
    }

    private static AgentLaunch launch(String allowedHosts) throws Exception {
        AgentLaunch launch = AgentLaunch.run(StartupTest.Hello.class, SETTINGS, Map.of(), "-Djwt.agent.outbound.allowed-hosts=" + allowedHosts);
        assertEquals(0, launch.exitCode, launch.stderr);
        return launch;
    }
}
