package example.jwtagent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A configuration file that names another configuration file (to chain a shared one, say): the
 * agent reads one file only, so the other's settings (an audience, required claims, inbound.required)
 * were dropped without a word, and a file that did not even exist went unnoticed.
 */
class ConfigFileInConfigFileTest {

    @Test
    void aConfigurationFileThatNamesAnotherStopsTheJvmNamingTheKey(@TempDir Path directory) throws Exception {
        Path other = Files.writeString(directory.resolve("shared.properties"), "audience=" + Tokens.AUDIENCE + "\ninbound.required=true\n");
        for (String missingOrNot : new String[] {other.toString(), directory.resolve("missing.properties").toString()}) {
            Path file = Files.writeString(directory.resolve("jwt-agent.properties"), "secret-file=" + System.getProperty("it.secret.file")
                    + "\nissuer=" + Tokens.ISSUER + "\nconfig-file=" + missingOrNot + "\n");
            for (Map<String, String> environment : java.util.List.of(Map.of("JWT_AGENT_CONFIG_FILE", file.toString()), Map.<String, String>of())) {
                AgentLaunch run = environment.isEmpty()
                        ? AgentLaunch.run(StartupTest.Hello.class, "config-file=" + file, environment)
                        : AgentLaunch.run(StartupTest.Hello.class, null, environment);
                assertNotEquals(0, run.exitCode, "the second file was ignored and the JVM started: " + run.stderr);
                assertFalse(run.stdout.contains("hello from the application"), run.stdout);
                assertEquals(1, run.agentLines().size(), run.stderr);
                assertTrue(run.agentLines().get(0).contains("refusing to start: jwt.agent.config-file: "), run.stderr);
            }
        }
    }
}
