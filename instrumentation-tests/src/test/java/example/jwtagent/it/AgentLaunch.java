package example.jwtagent.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM started with the agent and run to its end (a main such as {@link StartupTest.Hello} that
 * returns at once): its exit code and output. The test JVM's own {@code JWT_AGENT_*} environment is
 * not passed on; the launch's own is.
 */
final class AgentLaunch {
    final int exitCode;
    final String stdout;
    final String stderr;

    private AgentLaunch(int exitCode, String stdout, String stderr) {
        this.exitCode = exitCode;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The lines of standard error that are the agent's. */
    List<String> agentLines() {
        List<String> lines = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            if (line.contains("jwt-agent")) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** {@code main} on the test's class path, with {@code -javaagent:<jar>[=agentArguments]}, the system properties and {@code environment}. */
    static AgentLaunch run(Class<?> main, String agentArguments, Map<String, String> environment, String... systemProperties)
            throws IOException, InterruptedException {
        return run(main, System.getProperty("java.class.path"), agentArguments, environment, systemProperties);
    }

    static AgentLaunch run(Class<?> main, String classPath, String agentArguments, Map<String, String> environment,
                           String... systemProperties) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-javaagent:" + System.getProperty("agent.jar") + (agentArguments == null ? "" : "=" + agentArguments));
        command.addAll(Arrays.asList(systemProperties));
        command.add("-cp");
        command.add(classPath);
        command.add(main.getName());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("JWT_AGENT_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the JVM must end");
        return new AgentLaunch(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
