package example.jwtagent.it;

import org.junit.jupiter.api.Test;

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
        Executor executor = new SerialExecutorTest.DrainingExecutor(pool, new PriorityBlockingQueue<>(11, QueuedJobs::byPriority));
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
                    QueuedJobs.callThenCount(url, done);
                }));
                return null;
            });
            assertTrue(aliceStarted.await(10, TimeUnit.SECONDS), "alice's job runs");
            CurrentToken.with(null, () -> {
                executor.execute(new Job(2, () -> QueuedJobs.callThenCount(url, done)));
                return null;
            });
            CurrentToken.with(bob, () -> {
                executor.execute(new Job(3, () -> QueuedJobs.callThenCount(url, done)));
                return null;
            });
            release.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS), "the three calls are made");
            List<String> seen = QueuedJobs.callers(downstream, 3, alice, bob);
            assertEquals(Arrays.asList("none", "none", "none"), seen, "a job this executor takes as it is carries no token");
        } finally {
            pool.shutdownNow();
        }
    }
}
