package example.jwtagent.it;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A child program kept as source under {@code src/test/resources}, for a library this module's
 * class path cannot hold beside its own version (Jetty 12 beside Jetty 9.4): compiled here against
 * a {@link ChildJvm#libs child class path set}, then run to its end in a JVM of its own with the
 * agent and the test JVM's agent settings (every {@code jwt.agent.*} system property).
 */
final class CompiledChild {
    private CompiledChild() {
    }

    /**
     * Compiles {@code source} (a path under this module) against child class path set {@code libs},
     * runs its class {@code mainClass} with {@code arguments}, waits (60 seconds at most) for it to
     * end, and returns what it printed, standard output and standard error together.
     */
    static String run(String libs, String source, String mainClass, String... arguments) throws Exception {
        Path work = Files.createTempDirectory(mainClass);
        String libraries = ChildJvm.libs(libs).stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        Path sourceFile = Paths.get(source).toAbsolutePath();
        assertEquals(0, javac.run(null, null, null, "-d", work.toString(), "-cp", libraries, sourceFile.toString()), "the child compiles");
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-javaagent:" + System.getProperty("agent.jar"));
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("jwt.agent.")) {
                command.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        command.add("-cp");
        command.add(work + File.pathSeparator + libraries);
        command.add(mainClass);
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return output;
    }
}
