package dev.jwtagent.log;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentLogTest {
    private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";

    private static String printed(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    @Test
    void withoutSecretsReplacesAKnownTokenAndItsPartsEverywhere() {
        IllegalStateException fault = new IllegalStateException("bad header Bearer " + TOKEN,
                new IllegalArgumentException("payload eyJzdWIiOiJhbGljZSJ9 is odd"));
        String text = printed(AgentLog.withoutSecrets(fault, TOKEN));
        assertFalse(text.contains(TOKEN) || text.contains("eyJzdWIiOiJhbGljZSJ9"), text);
        assertTrue(text.contains(IllegalStateException.class.getName()) && text.contains(IllegalArgumentException.class.getName()), text);
        RuntimeException harmless = new RuntimeException("nothing secret");
        assertSame(harmless, AgentLog.withoutSecrets(harmless, TOKEN));
    }

    @Test
    void withoutMessagesKeepsClassesAndStacksButNoMessage() {
        IllegalStateException cause = new IllegalStateException("value " + TOKEN);
        RuntimeException fault = new RuntimeException("getHeaders broke on Bearer " + TOKEN, cause);
        fault.addSuppressed(new IllegalArgumentException("also " + TOKEN));
        Throwable logged = AgentLog.withoutMessages(fault);
        String text = printed(logged);
        assertFalse(text.contains(TOKEN) || text.contains("getHeaders broke") || text.contains("value "), text);
        assertTrue(text.contains(RuntimeException.class.getName() + ": <message withheld>"), text);
        assertTrue(text.contains(IllegalStateException.class.getName()) && text.contains(IllegalArgumentException.class.getName()), text);
        assertArrayEquals(fault.getStackTrace(), logged.getStackTrace());
        assertTrue(printed(AgentLog.withoutMessages(new NullPointerException())).startsWith(NullPointerException.class.getName()));
    }
}
