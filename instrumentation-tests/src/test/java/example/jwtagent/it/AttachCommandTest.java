package example.jwtagent.it;

import org.junit.jupiter.api.Test;

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

    private static void assertOneLine(String output, String start) {
        assertTrue(output.startsWith(start), output);
        assertEquals(1, output.strip().lines().count(), output);
        assertFalse(output.contains("Exception in thread"), output);
    }
}
