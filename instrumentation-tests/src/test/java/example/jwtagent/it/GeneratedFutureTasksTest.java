package example.jwtagent.it;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.SyntheticState;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A task class that a bytecode library generates at run time and marks synthetic, as it may a proxy,
 * and that is both a {@code Runnable} and a {@code Future} (not a {@code FutureTask}, which carries its
 * token itself). Given to a pool with a token, it calls with that token, and while it waits in the
 * queue it is still a future: the tasks {@code shutdownNow()} hands back can be cast to
 * {@code Future} and cancelled, and the cancel reaches the application's task. Before, a synthetic
 * class was never asked whether it is a future: the pool held a plain wrapper, and the cast threw
 * {@code ClassCastException} in the application.
 */
class GeneratedFutureTasksTest {

    @Test
    void aGeneratedFutureCallsWithItsCallersTokenAndStaysAFutureWhileQueued() throws Exception {
        Class<? extends CallingJob> generated = new ByteBuddy()
                .subclass(CallingJob.class)
                .modifiers(Visibility.PUBLIC, SyntheticState.SYNTHETIC)
                .make()
                .load(getClass().getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
                .getLoaded();
        assertTrue(generated.isSynthetic(), "the generated task class is synthetic");

        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        String alice = Tokens.valid("alice");
        CountDownLatch blockerStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Downstream downstream = new Downstream()) {
            CallingJob ran = generated.getConstructor().newInstance();
            CallingJob queued = generated.getConstructor().newInstance();
            ran.url = downstream.allowedUrl("/orders");
            queued.url = ran.url;
            CurrentToken.with(alice, () -> {
                pool.execute(ran);
                return null;
            });
            assertEquals("done", ran.get(10, TimeUnit.SECONDS));
            assertEquals(Arrays.asList("alice"), QueuedJobs.callers(downstream, 1, alice, null),
                    "the task called with its caller's token");

            CurrentToken.with(alice, () -> {
                pool.execute(() -> {
                    blockerStarted.countDown();
                    QueuedJobs.await(release);
                });
                pool.execute(queued);
                return null;
            });
            assertTrue(blockerStarted.await(10, TimeUnit.SECONDS), "the task ahead of it holds the worker");
            List<Runnable> left = pool.shutdownNow();
            assertEquals(1, left.size(), "the generated task is still queued");
            assertTrue(left.get(0) instanceof Future, "a task shutdownNow() hands back is a future");
            assertTrue(((Future<?>) left.get(0)).cancel(false), "the application cancels it");
            assertTrue(queued.isCancelled(), "the cancel reaches the application's own task");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /**
     * The application's task: a future of its own, which calls {@code url}. Public, with a public
     * constructor, for the generated subclass.
     */
    public static class CallingJob implements RunnableFuture<String> {
        private final CountDownLatch finished = new CountDownLatch(1);
        volatile String url;
        private volatile boolean cancelled;

        public CallingJob() {
        }

        @Override
        public void run() {
            if (cancelled) {
                return;
            }
            try {
                QueuedJobs.call(url);
            } finally {
                finished.countDown();
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (finished.getCount() == 0) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return cancelled || finished.getCount() == 0;
        }

        @Override
        public String get() throws InterruptedException, ExecutionException {
            finished.await();
            return "done";
        }

        @Override
        public String get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
            if (!finished.await(timeout, unit)) {
                throw new java.util.concurrent.TimeoutException();
            }
            return "done";
        }
    }
}
