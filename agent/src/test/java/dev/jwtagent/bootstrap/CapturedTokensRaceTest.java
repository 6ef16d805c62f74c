package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The table of captured tokens when one thread takes an owner's capture while another captures for it again. */
class CapturedTokensRaceTest {
    private static final CarriedToken ALICE = new CarriedToken("alice.token.value", Long.MAX_VALUE, "fp-alice");
    private static final CarriedToken BOB = new CarriedToken("bob.token.value", Long.MAX_VALUE, "fp-bob");

    /**
     * Another thread captures for one owner again and again, never taking; this thread takes each
     * time after a capture has ended since its last take, so a capture is there all along until it
     * takes: it must get one of them every time (never none, while the count says one waits).
     */
    @Test
    void aTakeRacingAnotherCaptureForTheSameOwnerGetsOneOfThem() throws Exception {
        Object owner = new Object();
        AtomicLong captures = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        Thread capturing = new Thread(new Runnable() {
            @Override
            public void run() {
                for (long i = 0; !stop.get(); i++) {
                    TokenCarrier.swap(i % 2 == 0 ? ALICE : BOB);
                    AgentBridge.captureTokenFor(owner, "orders.internal");
                    captures.incrementAndGet();
                }
                TokenCarrier.swap(null);
            }
        });
        capturing.start();
        int takes = 0;
        int missed = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        try {
            while (System.nanoTime() < deadline && missed < 10) {
                // Two more captures ended: the later of them began after this thread's last take.
                long seen = captures.get();
                while (captures.get() < seen + 2) {
                    Thread.onSpinWait();
                }
                takes++;
                if (AgentBridge.takeCapturedTokenAndTarget(owner) == null) {
                    missed++;
                }
            }
        } finally {
            stop.set(true);
            capturing.join();
        }
        AgentBridge.takeCapturedTokenAndTarget(owner);
        assertEquals(0, missed, "takes that got nothing though a capture waited, of " + takes);
        assertFalse(AgentBridge.mayHoldCapturesFor(), "none waits after");
    }
}
