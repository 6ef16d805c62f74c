package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FirstHopsTest {
    @Test
    void aHopAwayFromTheFirstHopsHostIsARedirectThatHostChose() {
        Object call = new Object();
        assertFalse(FirstHops.redirectedByAHostNotAllowed(call, "http", "partner.example", 80), "the first hop is decided as any");
        assertFalse(FirstHops.redirectedByAHostNotAllowed(call, "http", "PARTNER.example", 80), "again to its host (a retry, a challenge)");
        // No agent is installed here, so no host is allowed.
        assertTrue(FirstHops.redirectedByAHostNotAllowed(call, "http", "orders", 80));
        assertTrue(FirstHops.redirectedByAHostNotAllowed(call, "http", "partner.example", 8080));
        assertFalse(FirstHops.redirectedByAHostNotAllowed(new Object(), "http", "orders", 80), "another call's first hop");
        assertFalse(FirstHops.redirectedByAHostNotAllowed(null, "http", "orders", 80));
    }

    @Test
    void aHostThatIsNotAllowedInTheMiddleOfAChainChoosesTheHopsAfterIt() {
        AgentBridge.install(new OutboundOnlyHooks() {
            @Override
            public boolean outboundHostAllowed(String scheme, String host, int port) {
                return !host.equals("partner.example");
            }
        }, "Authorization", "Authorization");
        try {
            Object call = new Object();
            assertFalse(FirstHops.redirectedByAHostNotAllowed(call, "http", "gateway", 80), "the first hop, allowed");
            assertFalse(FirstHops.redirectedByAHostNotAllowed(call, "http", "partner.example", 80),
                    "a redirect to a host that is not allowed is decided (refused) as any");
            assertTrue(FirstHops.redirectedByAHostNotAllowed(call, "http", "orders", 80), "the allowed host it redirects to");
            assertTrue(FirstHops.redirectedByAHostNotAllowed(call, "http", "orders", 80), "again to that host (a challenge)");
            assertTrue(FirstHops.redirectedByAHostNotAllowed(call, "http", "gateway", 80), "back to the first host");

            Object allowedChain = new Object();
            assertFalse(FirstHops.redirectedByAHostNotAllowed(allowedChain, "http", "gateway", 80));
            assertFalse(FirstHops.redirectedByAHostNotAllowed(allowedChain, "http", "orders", 80), "allowed to allowed");
            assertFalse(FirstHops.redirectedByAHostNotAllowed(allowedChain, "http", "gateway", 80), "and back");
        } finally {
            AgentBridge.install(null, "Authorization", "Authorization");
        }
    }

    @Test
    void aCollectedCallIsForgotten() throws Exception {
        for (int i = 0; i < 100; i++) {
            FirstHops.redirectedByAHostNotAllowed(new Object(), "http", "orders", 80);
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (FirstHops.noted() > 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(0, FirstHops.noted());
    }
}
