package example.jwtagent.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code java -jar jwt-agent.jar attach <pid> <arguments>}, run as a user would: its exit status and output. */
record AttachCommand(int exitCode, String output) {

    static AttachCommand run(long pid, String arguments) throws Exception {
        return runWithPid(String.valueOf(pid), arguments);
    }

    /** The pid as typed, which may be no number at all. */
    static AttachCommand runWithPid(String pid, String arguments) throws Exception {
        Process attach = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("agent.jar"), "attach", pid, arguments)
                .redirectErrorStream(true).start();
        String output = new String(attach.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(attach.waitFor(60, TimeUnit.SECONDS), "the attach command did not end");
        return new AttachCommand(attach.exitValue(), output);
    }
}
