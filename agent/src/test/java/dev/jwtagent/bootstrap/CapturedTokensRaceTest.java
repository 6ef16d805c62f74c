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

    /**
     * Threads capture with objects of their own at once, take most of them, share some with another
     * object and drop the rest unsent, while their objects are collected and cleared from the table
     * by whichever thread captures next: the count of token-and-target captures never goes below
     * nothing, and once every object is collected it is nothing again, with the table empty of them.
     */
    @Test
    void theCountOfTokenAndTargetCapturesFollowsTheTableWhileManyThreadsCaptureTakeAndClear() throws Exception {
        java.lang.reflect.Field countField = AgentBridge.class.getDeclaredField("TOKEN_AND_TARGET_CAPTURES");
        countField.setAccessible(true);
        java.util.concurrent.atomic.AtomicInteger count = (java.util.concurrent.atomic.AtomicInteger) countField.get(null);
        java.lang.reflect.Field tableField = AgentBridge.class.getDeclaredField("CAPTURED");
        tableField.setAccessible(true);
        java.util.Map<?, ?> table = (java.util.Map<?, ?>) tableField.get(null);
        AtomicBoolean negative = new AtomicBoolean();
        AtomicLong wrong = new AtomicLong();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            CarriedToken token = t % 2 == 0 ? ALICE : BOB;
            threads[t] = new Thread(new Runnable() {
                @Override
                public void run() {
                    TokenCarrier.swap(token);
                    for (int i = 0; i < 100_000; i++) {
                        Object request = new Object();
                        AgentBridge.captureTokenFor(request, "orders.internal");
                        if (i % 5 != 0) {
                            Object[] taken = AgentBridge.takeCapturedTokenAndTarget(request);
                            if (taken == null || taken[0] != token) {
                                wrong.incrementAndGet();
                            }
                            AgentBridge.rememberAddedHeader(request, "header");
                            if (i % 3 == 0) {
                                AgentBridge.takeAddedHeader(request);
                            }
                        } else if (i % 10 == 0) {
                            Object hop = new Object();
                            AgentBridge.captureToken(request);
                            AgentBridge.shareCapturedToken(request, hop);
                            if (AgentBridge.takeCapturedToken(hop) != token) {
                                wrong.incrementAndGet();
                            }
                            // Held while its capture is looked for, as a client holds the object it sends.
                            java.lang.ref.Reference.reachabilityFence(hop);
                        }
                        java.lang.ref.Reference.reachabilityFence(request);
                        if (count.get() < 0) {
                            negative.set(true);
                        }
                        if (i % 10_000 == 0) {
                            System.gc();
                        }
                    }
                    TokenCarrier.swap(null);
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(0, wrong.get(), "takes that got another thread's token, or none");
        assertFalse(negative.get(), "the count went below nothing");
        Object owner = new Object();
        for (int round = 0; round < 20 && (count.get() != 0 || holdingOurs(table) > 0); round++) {
            java.lang.ref.WeakReference<Object> collected = new java.lang.ref.WeakReference<>(new Object());
            while (collected.get() != null) {
                System.gc();
                Thread.sleep(10);
            }
            CarriedToken before = TokenCarrier.swap(ALICE);
            try {
                AgentBridge.captureToken(owner);
            } finally {
                TokenCarrier.restore(before);
            }
            AgentBridge.takeCapturedToken(owner);
        }
        assertEquals(0, count.get(), "token-and-target captures counted once every request is collected");
        assertEquals(0, holdingOurs(table), "entries left once every owner is collected");
        assertFalse(AgentBridge.mayHoldCapturesFor());
    }

    /** The entries of {@code table} that hold {@link #ALICE} or {@link #BOB} (or a header this class added). */
    private static int holdingOurs(java.util.Map<?, ?> table) throws ReflectiveOperationException {
        int ours = 0;
        for (Object value : table.values()) {
            Object token = value;
            if (value instanceof java.lang.ref.Reference) {
                token = ((java.lang.ref.Reference<?>) value).get();
            } else if (!(value instanceof CarriedToken) && !(value instanceof Object[])) {
                java.lang.reflect.Field field = value.getClass().getDeclaredField("token");
                field.setAccessible(true);
                token = field.get(value);
            }
            ours += token == ALICE || token == BOB || "header".equals(token) ? 1 : 0;
        }
        return ours;
    }
}
