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

    @Test
    void withoutTokensReplacesTextShapedLikeAVerifiedTokenButNotClassNames() {
        // HS256: the shortest header, payload and signature a verified token has.
        String token = "eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjF9.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        IllegalStateException fault = new IllegalStateException("cannot add Authorization: Bearer " + token,
                new IllegalArgumentException("value " + token + " refused"));
        String text = printed(AgentLog.withoutTokens(fault));
        assertFalse(text.contains(token) || text.contains("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), text);
        assertTrue(text.contains("cannot add Authorization: Bearer sha256:"), text);
        RuntimeException harmless = new RuntimeException("'void org.eclipse.jetty.client.transport.HttpRequest.notifyCommit()'"
                + " in dev.jwtagent.outbound.ReactorNettyHttpClientInstrumentation.HeadersAdvice.exit");
        assertSame(harmless, AgentLog.withoutTokens(harmless));
    }

    /** A message quoting a long value (a 1 MB header, say) is searched in linear time: it runs on the application's thread. */
    @Test
    void withoutTokensIsLinearInTheMessagesLength() {
        String run = "a".repeat(1_000_000);
        RuntimeException fault = new RuntimeException("value " + run + "." + run + " refused");
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5),
                () -> assertSame(fault, AgentLog.withoutTokens(fault)));
    }

    /** A client that makes the agent refuse 10,000 hosts: at most 256 lines a minute and as many keys, then one for all. */
    @Test
    void detailsAClientChoosesAreRememberedUpToABoundThenShareOneKey() {
        int logged = 0;
        for (int i = 0; i < 10_000; i++) {
            if (AgentLog.rateLimited("bound-test", "host-" + i)) {
                logged++;
            }
        }
        assertTrue(logged <= 257, "lines: " + logged);
        assertTrue(AgentLog.rememberedKeys() <= 256 + 16, "keys: " + AgentLog.rememberedKeys());
        assertFalse(AgentLog.rateLimited("bound-test", "host-0"), "a host logged this minute is not logged again");
        assertFalse(AgentLog.rateLimited("bound-test", "host-20000"), "nor is another beyond the bound");
    }
}
