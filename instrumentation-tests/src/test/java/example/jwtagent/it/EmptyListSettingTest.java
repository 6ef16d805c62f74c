package example.jwtagent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A list setting given but empty (an environment variable a template left empty, say) above a file
 * that sets it: the file's issuer and audience must not be dropped in silence. It was read as
 * "not set", so the service started accepting tokens of any issuer, with no warning for the issuer.
 */
class EmptyListSettingTest {

    @Test
    void anEmptyIssuerOrAudienceAboveTheFileStopsTheJvmNamingTheKey(@TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("jwt-agent.properties"), "secret-file=" + System.getProperty("it.secret.file")
                + "\nissuer=" + Tokens.ISSUER + "\naudience=" + Tokens.AUDIENCE + "\n");
        for (Map.Entry<String, String> empty : List.of(Map.entry("JWT_AGENT_ISSUER", ""), Map.entry("JWT_AGENT_AUDIENCE", " "),
                Map.entry("JWT_AGENT_ISSUER", ","))) {
            String key = empty.getKey().equals("JWT_AGENT_ISSUER") ? "issuer" : "audience";
            AgentLaunch run = AgentLaunch.run(StartupTest.Hello.class, null,
                    Map.of("JWT_AGENT_CONFIG_FILE", file.toString(), empty.getKey(), empty.getValue()));
            assertNotEquals(0, run.exitCode, empty + " let the JVM start: " + run.stderr);
            assertFalse(run.stdout.contains("hello from the application"), run.stdout);
            assertEquals(1, run.agentLines().size(), run.stderr);
            assertTrue(run.agentLines().get(0).contains("refusing to start: jwt.agent." + key + ": "), run.stderr);
        }
    }
}
