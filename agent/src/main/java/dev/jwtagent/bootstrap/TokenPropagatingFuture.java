package dev.jwtagent.bootstrap;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The wrapper of a task that is also a {@link Future} other than a {@code FutureTask} (the task
 * Guava's {@code listeningDecorator(...).submit} queues, a {@code CompletableFuture}'s own): still a
 * future of the same work, so the pool's {@code shutdownNow()} hands back tasks the application can
 * cast to {@code Future} and cancel, and {@code purge()} drops the ones cancelled. It is not the same
 * object: {@code remove(task)} does not find it.
 */
final class TokenPropagatingFuture extends TokenPropagatingRunnable implements RunnableFuture<Object> {
    private final Future<?> future;

    TokenPropagatingFuture(CarriedToken token, Runnable task) {
        super(token, task);
        this.future = (Future<?>) task;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return future.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean isCancelled() {
        return future.isCancelled();
    }

    @Override
    public boolean isDone() {
        return future.isDone();
    }

    @Override
    public Object get() throws InterruptedException, ExecutionException {
        return future.get();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(timeout, unit);
    }
}
