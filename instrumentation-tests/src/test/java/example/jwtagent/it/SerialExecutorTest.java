package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An executor of the application's own that runs its queue one task at a time on a pool: the
 * {@code SerialExecutor} of {@code Executor}'s Javadoc, which hands each next task to the pool from
 * inside the task before it, and a draining one (Guava's {@code SequentialExecutor} by design), whose
 * one worker runs the queued tasks one after another. Alice's task holds the queue while a caller
 * without a token and then bob queue theirs: each call goes with its own caller's token, or none.
 * Before, the pool's hand-off was made on the pool thread while alice's task ran, and the tasks
 * behind hers went out with alice's token. In this JVM, with the tokens made current as a
 * request's own code would have them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SerialExecutorTest {
    private ExecutorService pool;

    @BeforeAll
    void start() {
        pool = Executors.newFixedThreadPool(1);
    }

    @AfterAll
    void stop() {
        pool.shutdownNow();
    }

    /** How a caller gives its call to the executor. */
    interface Handing {
        void hand(Executor executor, Runnable call) throws Exception;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"serial", "draining"})
    void eachQueuedTaskCallsWithItsOwnCallersToken(String design) throws Exception {
        assertEachCallGoesWithItsCallersToken(design, Executor::execute, Executor::execute);
    }

    /**
     * The same with {@code CompletableFuture.runAsync(task, executor)}: the future's own task is a
     * {@code ForkJoinTask}. Before, the one given by the caller without a token ran with alice's.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"serial", "draining"})
    void eachQueuedAsyncStageCallsWithItsOwnCallersToken(String design) throws Exception {
        Handing runAsync = (executor, call) -> CompletableFuture.runAsync(call, executor);
        assertEachCallGoesWithItsCallersToken(design, runAsync, runAsync);
    }

    /**
     * The same with a {@code FutureTask} the caller without a token made, which the executor gets as
     * it is: it runs with no token, not with alice's. Before, alice's hand-off to the pool was made
     * with her token current, and the worker she started (serial: the task that hands on the next
     * one; draining: the drain loop) ran the future with it.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"serial", "draining"})
    void aFutureTaskMadeWithoutATokenAndQueuedBehindAlicesRunsWithNone(String design) throws Exception {
        assertEachCallGoesWithItsCallersToken(design, Executor::execute,
                (executor, call) -> executor.execute(new FutureTask<Void>(call, null)));
    }

    /**
     * Alice's call, given as {@code alices}, holds the queue while a caller without a token and then
     * bob give theirs as {@code others}: the downstream sees alice's token, none, and bob's, in that order.
     */
    private void assertEachCallGoesWithItsCallersToken(String design, Handing alices, Handing others) throws Exception {
        Executor executor = design.equals("serial") ? new SerialExecutor(pool) : new DrainingExecutor(pool);
        String alice = Tokens.valid("alice");
        String bob = Tokens.valid("bob");
        try (Downstream downstream = new Downstream()) {
            String url = downstream.allowedUrl("/orders");
            CountDownLatch aliceStarted = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(3);
            CurrentToken.with(alice, () -> {
                alices.hand(executor, () -> {
                    aliceStarted.countDown();
                    QueuedJobs.await(release);
                    QueuedJobs.callThenCount(url, done);
                });
                return null;
            });
            assertTrue(aliceStarted.await(10, TimeUnit.SECONDS), "alice's task runs");
            for (String caller : new String[] {null, bob}) {
                CurrentToken.with(caller, () -> {
                    others.hand(executor, () -> QueuedJobs.callThenCount(url, done));
                    return null;
                });
            }
            release.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS), "the three calls are made");
            List<String> seen = QueuedJobs.callers(downstream, 3, alice, bob);
            assertEquals(Arrays.asList("alice", "none", "bob"), seen);
        }
    }

    /** The design of {@code Executor}'s Javadoc: the next task is handed to the pool from inside the one before it. */
    static final class SerialExecutor implements Executor {
        private final Queue<Runnable> tasks = new ArrayDeque<>();
        private final Executor executor;
        private Runnable active;

        SerialExecutor(Executor executor) {
            this.executor = executor;
        }

        @Override
        public synchronized void execute(Runnable r) {
            tasks.add(() -> {
                try {
                    r.run();
                } finally {
                    scheduleNext();
                }
            });
            if (active == null) {
                scheduleNext();
            }
        }

        private synchronized void scheduleNext() {
            active = tasks.poll();
            if (active != null) {
                executor.execute(active);
            }
        }
    }

    /**
     * One worker at a time, handed to the pool by whichever caller finds none running, runs every
     * queued task, in the order of its queue (first in, first out unless given another queue).
     */
    static final class DrainingExecutor implements Executor {
        private final Queue<Runnable> tasks;
        private final Executor executor;
        private boolean running;

        DrainingExecutor(Executor executor) {
            this(executor, new ArrayDeque<>());
        }

        DrainingExecutor(Executor executor, Queue<Runnable> tasks) {
            this.executor = executor;
            this.tasks = tasks;
        }

        @Override
        public void execute(Runnable r) {
            synchronized (this) {
                tasks.add(r);
                if (running) {
                    return;
                }
                running = true;
            }
            executor.execute(this::drain);
        }

        private void drain() {
            while (true) {
                Runnable next;
                synchronized (this) {
                    next = tasks.poll();
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
