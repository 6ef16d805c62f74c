package dev.jwtagent.bootstrap;

import java.util.concurrent.Callable;

/** The {@link Callable} twin of {@link TokenPropagatingRunnable}. */
public final class TokenPropagatingCallable<V> implements Callable<V> {
    private final CarriedToken token;
    private final Callable<V> task;

    TokenPropagatingCallable(CarriedToken token, Callable<V> task) {
        this.token = token;
        this.task = task;
    }

    @Override
    public V call() throws Exception {
        CarriedToken previous = TokenCarrier.swap(token);
        try {
            return task.call();
        } finally {
            TokenCarrier.restore(previous);
        }
    }

    @Override
    public String toString() {
        return task.toString();
    }
}
