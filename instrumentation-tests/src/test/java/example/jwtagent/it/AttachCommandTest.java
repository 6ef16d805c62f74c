package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README: {@code java -jar jwt-agent.jar attach <pid> ...} says in one line why the agent did not
 * start and exits with 1. A pid that names no running JVM (mistyped, or the process has ended) is
 * said in one line too; before, the command died with a reflection stack trace.
 */
class AttachCommandTest {

    @Test
    void aProcessThatHasEndedIsSaidInOneLine() throws Exception {
        Process ended = new ProcessBuilder("true").start();
        assertTrue(ended.waitFor(30, TimeUnit.SECONDS));

        AttachCommand attach = AttachCommand.run(ended.pid(), "enabled=false");

        assertEquals(1, attach.exitCode(), attach.output());
        assertOneLine(attach.output(), "jwt-agent: cannot attach to " + ended.pid() + ": ");
    }

    @Test
    void somethingThatIsNoPidIsSaidInOneLine() throws Exception {
        AttachCommand attach = AttachCommand.runWithPid("orders", "enabled=false");

        assertEquals(1, attach.exitCode(), attach.output());
        assertOneLine(attach.output(), "jwt-agent: cannot attach to orders: ");
    }

    /**
     * A JVM that refuses to load the agent (its system class loader cannot take the agent jar; on
     * Java 21+ also one started with -XX:-EnableDynamicAgentLoading) is said in one line; before, the
     * command died with a reflection stack trace ending in AgentLoadException.
     */
    @Test
    void aJvmThatRefusesToLoadTheAgentIsSaidInOneLine() throws Exception {
        Process target = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.system.class.loader=" + LoaderThatTakesNoJar.class.getName(),
                "-cp", System.getProperty("java.class.path"), WaitingMain.class.getName()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null && !line.equals(ChildJvm.READY); ) {
                // The JVM's own warnings about the custom system class loader.
            }

            AttachCommand attach = AttachCommand.run(target.pid(), "enabled=false");

            assertEquals(1, attach.exitCode(), attach.output());
            assertOneLine(attach.output(), "jwt-agent: cannot load the agent into " + target.pid() + ": ");
            assertTrue(target.isAlive(), "the application goes on");
        } finally {
            target.destroy();
            target.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The agent given in JAVA_TOOL_OPTIONS (as a container image sets it for every JVM) also starts in
     * the JVM of the command line, and puts its jar on the bootstrap class path before the command
     * runs: every command still answers. Before, each died with an IllegalAccessException (the command
     * class, package-private, then came from the bootstrap class path, the entry point from the
     * application class loader).
     */
    @Test
    void theCommandLineAnswersWhereTheAgentIsGivenInJavaToolOptions() throws Exception {
        String secretFile = System.getProperty("it.secret.file");
        String toolOptions = "-javaagent:" + System.getProperty("agent.jar") + " -Djwt.agent.secret-file=" + secretFile;

        String version = runCommand(toolOptions, "version");
        assertTrue(version.lines().anyMatch(line -> line.matches("jwt-agent [0-9][^ ]*")), version);
        String check = runCommand(toolOptions, "check-config", "audience=orders");
        assertTrue(check.contains("ok: mode=enforce, keys=secret"), check);

        Process target = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), WaitingMain.class.getName()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = out.readLine()) != null && !line.equals(ChildJvm.READY); ) {
                // Nothing else is expected.
            }
            String attach = runCommand(toolOptions, "attach", String.valueOf(target.pid()), "secret-file=" + secretFile + ";audience=orders");
            assertTrue(attach.contains("attached jwt-agent to " + target.pid()), attach);
        } finally {
            target.destroy();
            target.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** {@code java -jar jwt-agent.jar <arguments>} with {@code JAVA_TOOL_OPTIONS}; its output, after checking it exited with 0. */
    private static String runCommand(String toolOptions, String... arguments) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-jar", System.getProperty("agent.jar")));
        command.addAll(java.util.List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("JWT_AGENT_"));
        builder.environment().put("JAVA_TOOL_OPTIONS", toolOptions);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);
        assertFalse(output.contains("Exception"), output);
        return output;
    }

    /** A system class loader without appendToClassPathForInstrumentation: the JVM cannot load an agent into it. */
    public static final class LoaderThatTakesNoJar extends ClassLoader {
        public LoaderThatTakesNoJar(ClassLoader parent) {
            super(parent);
        }
    }

    /** Says it is ready, then waits until its standard input closes. */
    public static final class WaitingMain {
        public static void main(String[] args) throws Exception {
            System.out.println(ChildJvm.READY);
            System.out.flush();
            System.in.readAllBytes();
        }
    }

    private static void assertOneLine(String output, String start) {
        assertTrue(output.startsWith(start), output);
        assertEquals(1, output.strip().lines().count(), output);
        assertFalse(output.contains("Exception in thread"), output);
    }
}
