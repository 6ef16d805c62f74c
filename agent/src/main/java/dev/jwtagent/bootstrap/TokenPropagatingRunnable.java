package dev.jwtagent.bootstrap;

/**
 * A task that runs with the token that was current when it was handed over, and puts back
 * whatever its worker thread held before once it ends (normally, by exception or interrupted).
 * {@link #toString()} is the task's own: a wrapper never shows the token. A task that is also a
 * {@code Future} gets the subclass that stays one ({@link TokenPropagatingFuture}).
 */
public class TokenPropagatingRunnable implements Runnable {
    private final CarriedToken token;
    private final Runnable task;

    TokenPropagatingRunnable(CarriedToken token, Runnable task) {
        this.token = token;
        this.task = task;
    }

    @Override
    public final void run() {
        CarriedToken previous = TokenCarrier.swap(tokenToRun(token));
        try {
            task.run();
        } finally {
            TokenCarrier.restore(previous);
        }
    }

    /** The token the task runs with: the one current where it was handed over. */
    CarriedToken tokenToRun(CarriedToken handedOver) {
        return handedOver;
    }

    /** The task as it was handed over, for a queue that orders the application's tasks among themselves. */
    Runnable task() {
        return task;
    }

    @Override
    public final String toString() {
        return task.toString();
    }
}
