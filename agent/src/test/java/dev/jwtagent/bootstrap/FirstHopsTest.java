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
