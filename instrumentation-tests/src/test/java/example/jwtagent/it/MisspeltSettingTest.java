package example.jwtagent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A setting written without its group ({@code allowed-hosts=orders}, or misspelt, {@code alowed-hosts})
 * in the configuration file or the agent arguments: the JVM stopped, but the line named no setting,
 * so which line of the file was wrong had to be found by hand, while the same mistake as a system
 * property was named.
 */
class MisspeltSettingTest {

    @Test
    void aSettingWithoutItsGroupIsNamedWhereverItIsGiven(@TempDir Path directory) throws Exception {
        String secretFile = "secret-file=" + System.getProperty("it.secret.file");
        for (String name : new String[] {"alowed-hosts", "allowed-hosts"}) {
            Path file = Files.writeString(directory.resolve("jwt-agent.properties"), secretFile + "\n" + name + "=orders\n");
            AgentLaunch[] runs = {
                AgentLaunch.run(StartupTest.Hello.class, secretFile + ";" + name + "=orders", Map.of()),
                AgentLaunch.run(StartupTest.Hello.class, null, Map.of("JWT_AGENT_CONFIG_FILE", file.toString())),
                AgentLaunch.run(StartupTest.Hello.class, secretFile, Map.of(), "-Djwt.agent." + name + "=orders"),
            };
            for (AgentLaunch run : runs) {
                assertNotEquals(0, run.exitCode, run.stderr);
                assertEquals(1, run.agentLines().size(), run.stderr);
                assertTrue(run.agentLines().get(0).contains("refusing to start: jwt.agent." + name + ": unknown setting"), run.stderr);
            }
        }
    }
}
