package example.jwtagent.it;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.ListeningExecutorService;
import com.google.common.util.concurrent.MoreExecutors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guava's {@code listeningDecorator} of a pool: its {@code submit} queues a future of Guava's own (not
 * a {@code FutureTask}) through its {@code execute}, which the agent rewrites. The tasks the pool
 * leaves queued are still futures: {@code purge()} drops a cancelled one, and the ones
 * {@code shutdownNow()} hands back can be cast to {@code Future} and cancelled. Before, with a token
 * or without one, the pool held the agent's wrapper: the cancelled task stayed queued and the cast
 * threw {@code ClassCastException} in the application.
 */
class ListeningExecutorFuturesTest {

    @ParameterizedTest(name = "token: {0}")
    @ValueSource(booleans = {false, true})
    void queuedTasksStayFuturesThePoolCanPurgeAndTheApplicationCancel(boolean withToken) throws Exception {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        ListeningExecutorService executor = MoreExecutors.listeningDecorator(pool);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            CurrentToken.with(withToken ? Tokens.valid("alice") : null, () -> {
                executor.submit(() -> {
                    started.countDown();
                    QueuedJobs.await(release);
                });
                assertTrue(started.await(10, TimeUnit.SECONDS), "the first task runs");
                ListenableFuture<?> cancelled = executor.submit(() -> { });
                executor.submit(() -> { });
                cancelled.cancel(false);
                return null;
            });
            pool.purge();
            assertEquals(1, pool.getQueue().size(), "the cancelled task is purged");
            List<Runnable> left = executor.shutdownNow();
            assertEquals(1, left.size());
            for (Runnable task : left) {
                assertTrue(task instanceof Future, "a task shutdownNow() hands back is a future");
                assertTrue(((Future<?>) task).cancel(false));
            }
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
