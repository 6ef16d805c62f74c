package example.jwtagent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
            String[] run = launch(Map.of("JWT_AGENT_CONFIG_FILE", file.toString(), empty.getKey(), empty.getValue()));
            String stderr = run[2];
            assertNotEquals("0", run[0], empty + " let the JVM start: " + stderr);
            assertFalse(run[1].contains("hello from the application"), run[1]);
            List<String> agentLines = new ArrayList<>();
            for (String line : stderr.split("\n")) {
                if (line.contains("jwt-agent")) {
                    agentLines.add(line);
                }
            }
            assertEquals(1, agentLines.size(), stderr);
            assertTrue(agentLines.get(0).contains("refusing to start: jwt.agent." + key + ": "), stderr);
        }
    }

    /** {exit code, standard output, standard error} of {@link StartupTest.Hello} with the agent and {@code environment}. */
    private static String[] launch(Map<String, String> environment) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-javaagent:" + System.getProperty("agent.jar"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StartupTest.Hello.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("JWT_AGENT_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the JVM must end");
        return new String[] {String.valueOf(process.exitValue()), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8)};
    }
}
