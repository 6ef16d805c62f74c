package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ForkedTasksTest {
    private static final CarriedToken ALICE = new CarriedToken("alice-token", Long.MAX_VALUE, "sha256:alice");
    private static final CarriedToken BOB = new CarriedToken("bob-token", Long.MAX_VALUE, "sha256:bob");

    @AfterEach
    void noTokenLeft() {
        TokenCarrier.swap(null);
    }

    @Test
    void aTaskRunsWithTheTokenItWasHandedOverWithThenTheThreadsOwnIsBack() {
        Object task = new Object();
        TokenCarrier.swap(ALICE);
        ForkedTasks.handedOver(task);
        TokenCarrier.swap(BOB);
        Object state = ForkedTasks.running(task);
        assertSame(ALICE, TokenCarrier.current());
        ForkedTasks.ran(state);
        assertSame(BOB, TokenCarrier.current());
        TokenCarrier.swap(null);
        Object again = ForkedTasks.running(task);
        assertNull(TokenCarrier.current(), "a task runs once: its entry went as it ran");
        ForkedTasks.ran(again);
        assertEquals(0, ForkedTasks.waitingCount());
    }

    @Test
    void aTaskHandedOverWithoutATokenRunsWithWhatItsThreadHolds() {
        Object task = new Object();
        ForkedTasks.handedOver(task);
        assertEquals(0, ForkedTasks.waitingCount());
        TokenCarrier.swap(BOB);
        Object state = ForkedTasks.running(task);
        assertSame(BOB, TokenCarrier.current());
        ForkedTasks.ran(state);
        assertSame(BOB, TokenCarrier.current());
    }

    @Test
    void aTaskHandedOverAgainWithoutATokenNoLongerCarriesTheFirstOne() {
        Object task = new Object();
        TokenCarrier.swap(ALICE);
        ForkedTasks.handedOver(task);
        TokenCarrier.swap(null);
        ForkedTasks.handedOver(task);
        assertEquals(0, ForkedTasks.waitingCount());
        Object state = ForkedTasks.running(task);
        assertNull(TokenCarrier.current());
        ForkedTasks.ran(state);
    }

    @Test
    void tasksAreToldApartByIdentityNotByEquals() {
        Object first = new EqualToEveryOther();
        Object second = new EqualToEveryOther();
        TokenCarrier.swap(ALICE);
        ForkedTasks.handedOver(first);
        TokenCarrier.swap(null);
        Object state = ForkedTasks.running(second);
        assertNull(TokenCarrier.current(), "another task that says it is equal does not get alice's token");
        ForkedTasks.ran(state);
        state = ForkedTasks.running(first);
        assertSame(ALICE, TokenCarrier.current());
        ForkedTasks.ran(state);
        assertNull(TokenCarrier.current());
    }

    @Test
    void aTaskNeverRunLeavesTheTableWhenItIsCollected() throws Exception {
        TokenCarrier.swap(ALICE);
        for (int i = 0; i < 100; i++) {
            ForkedTasks.handedOver(new Object());
        }
        TokenCarrier.swap(null);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ForkedTasks.waitingCount() > 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(0, ForkedTasks.waitingCount(), "entries of collected tasks, which hold a token, must go");
    }

    @Test
    void threadsHandingOverAndRunningTasksAtOnceEachFindTheirOwnToken() throws Exception {
        int threads = 4;
        java.util.concurrent.atomic.AtomicInteger mismatches = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            CarriedToken own = new CarriedToken("token-" + t, Long.MAX_VALUE, "sha256:" + t);
            workers[t] = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 20_000; i++) {
                    Object withToken = new Object();
                    Object without = new Object();
                    TokenCarrier.swap(own);
                    ForkedTasks.handedOver(withToken);
                    TokenCarrier.swap(null);
                    ForkedTasks.handedOver(without);
                    Object state = ForkedTasks.running(without);
                    if (TokenCarrier.current() != null) {
                        mismatches.incrementAndGet();
                    }
                    ForkedTasks.ran(state);
                    state = ForkedTasks.running(withToken);
                    if (TokenCarrier.current() != own) {
                        mismatches.incrementAndGet();
                    }
                    ForkedTasks.ran(state);
                    if (TokenCarrier.current() != null) {
                        mismatches.incrementAndGet();
                    }
                }
            });
            workers[t].start();
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertEquals(0, mismatches.get(), "a task ran with another's token, or without its own");
        assertEquals(0, ForkedTasks.waitingCount());
    }

    private static final class EqualToEveryOther {
        @Override
        public boolean equals(Object other) {
            return other instanceof EqualToEveryOther;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }
}
