package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README (configuration; performance: "no threads beyond one daemon for key refresh"): attaching the
 * agent to a JVM that already runs it leaves the running agent as it is. Before, a second verifier
 * with a key refresh thread of its own was started beside the first, whose thread went on fetching
 * keys for ever, and the second copy's settings replaced the first's.
 */
class AttachToAJvmWithTheAgentTest {

    @Test
    void aSecondInstallStartsNoSecondKeysThread() throws Exception {
        String keys = "http://127.0.0.1:9/jwks.json";
        List<String> command = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + System.getProperty("agent.jar"), "-Djwt.agent.jwks-url=" + keys,
                "-Djwt.agent.issuer=" + Tokens.ISSUER, "-Djwt.agent.audience=" + Tokens.AUDIENCE,
                "-cp", System.getProperty("java.class.path"), RelayChild.class.getName());
        Process service = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8));
            String line;
            boolean ready = false;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(ChildJvm.READY)) {
                    ready = true;
                    break;
                }
            }
            assertTrue(ready, "the service did not start");
            assertEquals(1, keysThreads(service.pid()), "with -javaagent");

            AttachCommand attach = AttachCommand.run(service.pid(),
                    "jwks-url=" + keys + ";issuer=" + Tokens.ISSUER + ";audience=" + Tokens.AUDIENCE);
            assertEquals(1, attach.exitCode(), "the settings given were not applied: " + attach.output());
            assertTrue(attach.output().startsWith("jwt-agent did not start in " + service.pid()
                    + ": refusing to start: the agent is already installed in this JVM; the running agent is left as it is"), attach.output());
            Thread.sleep(1000);
            assertEquals(1, keysThreads(service.pid()), "after a second install by attach");

            // Switched off in the attach: the running agent goes on enforcing, so neither "disabled" nor status 0.
            AttachCommand switchedOff = AttachCommand.run(service.pid(), "enabled=false");
            assertEquals(1, switchedOff.exitCode(), "the running agent is not switched off: " + switchedOff.output());
            assertTrue(switchedOff.output().contains("the agent is already installed in this JVM"), switchedOff.output());
        } finally {
            service.destroy();
            service.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int keysThreads(long pid) throws Exception {
        Process jcmd = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid), "Thread.print").redirectErrorStream(true).start();
        String dump = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jcmd.waitFor(60, TimeUnit.SECONDS));
        assertTrue(dump.contains("\"main\""), dump);
        int count = 0;
        for (int at = dump.indexOf("\"jwt-agent-keys\""); at >= 0; at = dump.indexOf("\"jwt-agent-keys\"", at + 1)) {
            count++;
        }
        return count;
    }
}
