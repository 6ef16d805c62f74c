package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;

import example.jwtagent.it.QueuedJobs.Job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An executor of the application's own that keeps its jobs in a PriorityBlockingQueue and runs them
 * with one worker handed to a pool by whichever caller finds none running. Alice's job holds the
 * worker while a caller without a token and then bob queue theirs. Its jobs reach it as they are
 * (its comparator casts them), so none can carry a token: no call may go with another caller's.
 * Before, the worker alice's call started carried her token, and every job queued behind hers
 * called with it.
 */
class DrainingPriorityExecutorTest {

    @Test
    void noQueuedJobCallsWithAnotherCallersToken() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        DrainingPriorityExecutor executor = new DrainingPriorityExecutor(pool);
        String alice = Tokens.valid("alice");
        String bob = Tokens.valid("bob");
        try (Downstream downstream = new Downstream()) {
            String url = downstream.allowedUrl("/orders");
            CountDownLatch aliceStarted = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(3);
            CurrentToken.with(alice, () -> {
                executor.execute(new Job(1, () -> {
                    aliceStarted.countDown();
                    QueuedJobs.await(release);
                    callThenCount(url, done);
                }));
                return null;
            });
            assertTrue(aliceStarted.await(10, TimeUnit.SECONDS), "alice's job runs");
            CurrentToken.with(null, () -> {
                executor.execute(new Job(2, () -> callThenCount(url, done)));
                return null;
            });
            CurrentToken.with(bob, () -> {
                executor.execute(new Job(3, () -> callThenCount(url, done)));
                return null;
            });
            release.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS), "the three calls are made");
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                List<String> authorization = downstream.takeAuthorization();
                seen.add(authorization.isEmpty() ? "none" : authorization.get(0).equals("Bearer " + alice) ? "alice"
                        : authorization.get(0).equals("Bearer " + bob) ? "bob" : "another value");
            }
            assertEquals(Arrays.asList("none", "none", "none"), seen, "a job this executor takes as it is carries no token");
        } finally {
            pool.shutdownNow();
        }
    }

    private static void callThenCount(String url, CountDownLatch done) {
        try {
            QueuedJobs.call(url);
        } finally {
            done.countDown();
        }
    }

    static final class DrainingPriorityExecutor implements Executor {
        private final PriorityBlockingQueue<Runnable> jobs = new PriorityBlockingQueue<>(11, QueuedJobs::byPriority);
        private final Executor pool;
        private boolean running;

        DrainingPriorityExecutor(Executor pool) {
            this.pool = pool;
        }

        @Override
        public void execute(Runnable job) {
            jobs.add(job);
            synchronized (this) {
                if (running) {
                    return;
                }
                running = true;
            }
            pool.execute(this::drain);
        }

        private void drain() {
            while (true) {
                Runnable next;
                synchronized (this) {
                    next = jobs.poll();
                    if (next == null) {
                        running = false;
                        return;
                    }
                }
                next.run();
            }
        }
    }
}
