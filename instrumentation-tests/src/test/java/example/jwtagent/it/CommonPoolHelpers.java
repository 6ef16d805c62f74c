package example.jwtagent.it;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.TimeUnit;

/**
 * Hand-offs where a thread that waits on the common pool (or joins a subtask on a pool of the
 * application's) runs other callers' work itself: one request leaves work queued and answers at
 * once; a later request (another caller) waits, and its thread runs that work. Run in a JVM whose common pool has several workers (with one, a
 * {@code CompletableFuture} of the default executor gets a thread per task and never helps).
 */
final class CommonPoolHelpers {
    private static CompletableFuture<Integer> source;
    private static CompletableFuture<Integer> dependent;
    private static CountDownLatch release;

    private CommonPoolHelpers() {
    }

    /** {@code cf-help-register}: a shared future and an {@code *Async} stage on it (default executor) that calls. */
    static synchronized void registerAsyncStage(Callable<Integer> call) {
        source = new CompletableFuture<>();
        dependent = source.thenApplyAsync(ignored -> Handoffs.callUnchecked(call));
    }

    /**
     * {@code cf-help-complete}: with the common pool's other workers held, a task of this caller
     * completes the shared future (the stage is queued on its own worker) and joins the stage, which
     * the join runs right there, on this caller's task's worker.
     */
    static synchronized int completeOnAWorkerAndJoin() throws Exception {
        CountDownLatch held = holdWorkers(ForkJoinPool.getCommonPoolParallelism() - 1);
        try {
            CompletableFuture<Integer> result = new CompletableFuture<>();
            ForkJoinPool.commonPool().execute(new Runnable() {
                @Override
                public void run() {
                    source.complete(0);
                    result.complete(dependent.join());
                }
            });
            return result.get(10, TimeUnit.SECONDS);
        } finally {
            held.countDown();
        }
    }

    /** {@code fj-quiesce-background}: every worker held, then the call queued on the common pool. */
    static synchronized void queueBehindHeldWorkers(Callable<Integer> call) throws InterruptedException {
        release = holdWorkers(ForkJoinPool.getCommonPoolParallelism());
        ForkJoinPool.commonPool().execute(new Runnable() {
            @Override
            public void run() {
                Handoffs.callUnchecked(call);
            }
        });
    }

    /** {@code fj-quiesce}: waits for the common pool to go quiet, which runs the queued call on this thread; then lets the workers go. */
    static synchronized int awaitQuiescence() {
        try {
            ForkJoinPool.commonPool().awaitQuiescence(1, TimeUnit.SECONDS);
        } finally {
            release.countDown();
        }
        return 200;
    }

    /** {@code fj-await-termination}: the same through the common pool's {@code awaitTermination}, which never terminates it. */
    static synchronized int awaitTermination() throws InterruptedException {
        try {
            ForkJoinPool.commonPool().awaitTermination(1, TimeUnit.SECONDS);
        } finally {
            release.countDown();
        }
        return 200;
    }

    /** An application's pool of two workers, for a join that helps the worker that stole the joined subtask. */
    private static final ForkJoinPool TWO_WORKERS = new ForkJoinPool(2);

    /** {@code fj-join-register}: a shared future and an {@code *Async} stage on it, on the two-worker pool, that calls. */
    static synchronized void registerStageOnTwoWorkers(Callable<Integer> call) {
        source = new CompletableFuture<>();
        dependent = source.thenApplyAsync(ignored -> Handoffs.callUnchecked(call), TWO_WORKERS);
    }

    /**
     * {@code fj-join-complete}: a task of this caller on the two-worker pool forks a subtask, which the
     * other worker steals; the subtask completes the shared future (the stage is queued on the thief's
     * own queue) and works on; the task joins the subtask, and the join helps the thief by running the
     * base of its queue, the stage, on this caller's task's worker.
     */
    static synchronized int forkCompleteAndJoin() throws Exception {
        CountDownLatch completed = new CountDownLatch(1);
        TWO_WORKERS.submit(() -> {
            ForkJoinTask<?> subtask = ForkJoinTask.adapt(() -> {
                source.complete(0);
                completed.countDown();
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            subtask.fork();
            completed.await();
            subtask.join();
            return null;
        }).get(10, TimeUnit.SECONDS);
        return dependent.get(10, TimeUnit.SECONDS);
    }

    /** An application's pool of one worker, whose task forks a subtask and joins it: nobody else can take it. */
    private static final ForkJoinPool ONE_WORKER = new ForkJoinPool(1);

    /** {@code fj-own-subtask}: a task of this caller forks a subtask that calls, and joins it, on a one-worker pool. */
    static int forkAndJoinOwnSubtask(Callable<Integer> call) throws Exception {
        return ONE_WORKER.submit(() -> {
            ForkJoinTask<Integer> subtask = ForkJoinTask.adapt(call);
            subtask.fork();
            return subtask.join();
        }).get(10, TimeUnit.SECONDS);
    }

    /** {@code fj-request-thread-join}: with every common-pool worker held, the request's thread forks a subtask that calls, and joins it. */
    static synchronized int forkOnTheCommonPoolAndJoinOnTheRequestThread(Callable<Integer> call) throws Exception {
        CountDownLatch held = holdWorkers(ForkJoinPool.getCommonPoolParallelism());
        try {
            ForkJoinTask<Integer> subtask = ForkJoinTask.adapt(call);
            subtask.fork();
            return subtask.join();
        } finally {
            held.countDown();
        }
    }

    /** A task an application keeps and runs again for later callers (see {@link #forkTakeBackAndCompute}). */
    private static CallingTask kept;

    /**
     * {@code fj-unfork-own}: with every common-pool worker held, the request's thread forks a task
     * that calls, takes it back ({@code tryUnfork}) and computes it itself, as the fork-then-take-back
     * idiom does; the task is kept, to be run again by a later caller ({@code fj-reuse-invoke}).
     */
    static synchronized int forkTakeBackAndCompute(Callable<Integer> call) throws Exception {
        CountDownLatch held = holdWorkers(ForkJoinPool.getCommonPoolParallelism());
        try {
            kept = new CallingTask(call);
            kept.fork();
            if (!kept.tryUnfork()) {
                throw new IllegalStateException("a held common pool took the forked task");
            }
            return kept.compute();
        } finally {
            held.countDown();
        }
    }

    /** {@code fj-reuse-invoke}: the kept task, reinitialized and invoked on this caller's thread. */
    static synchronized int invokeKeptTask() {
        kept.reinitialize();
        return kept.invoke();
    }

    /** A task of the application's own that makes the call. */
    private static final class CallingTask extends java.util.concurrent.RecursiveTask<Integer> {
        private final Callable<Integer> call;

        CallingTask(Callable<Integer> call) {
            this.call = call;
        }

        @Override
        protected Integer compute() {
            return Handoffs.callUnchecked(call);
        }
    }

    /** {@code count} common-pool workers blocked until the returned latch is counted down. */
    private static CountDownLatch holdWorkers(int count) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(count);
        CountDownLatch hold = new CountDownLatch(1);
        for (int i = 0; i < count; i++) {
            ForkJoinPool.commonPool().execute(new Runnable() {
                @Override
                public void run() {
                    started.countDown();
                    try {
                        hold.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        }
        if (!started.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the common pool's workers did not start");
        }
        return hold;
    }
}
