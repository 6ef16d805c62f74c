package dev.jwtagent.bootstrap;

import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The functional shapes {@code CompletableFuture}'s {@code *Async} stages take, each run with the
 * token that was current when the stage was registered (not when its source completed, which may
 * happen on any thread, for anyone). Like {@link TokenPropagatingRunnable}, each puts back what
 * the thread held before.
 */
public final class TokenPropagatingFunctions {
    private TokenPropagatingFunctions() {
    }

    /** Common to all: the token to run with. */
    abstract static class Carrying {
        final CarriedToken token;
        final Object task;

        Carrying(CarriedToken token, Object task) {
            this.token = token;
            this.task = task;
        }

        @Override
        public String toString() {
            return task.toString();
        }
    }

    public static final class PropagatingSupplier<T> extends Carrying implements Supplier<T> {
        private final Supplier<T> supplier;

        PropagatingSupplier(CarriedToken token, Supplier<T> supplier) {
            super(token, supplier);
            this.supplier = supplier;
        }

        @Override
        public T get() {
            CarriedToken previous = TokenCarrier.swap(token);
            try {
                return supplier.get();
            } finally {
                TokenCarrier.restore(previous);
            }
        }
    }

    public static final class PropagatingFunction<T, R> extends Carrying implements Function<T, R> {
        private final Function<T, R> function;

        PropagatingFunction(CarriedToken token, Function<T, R> function) {
            super(token, function);
            this.function = function;
        }

        @Override
        public R apply(T value) {
            CarriedToken previous = TokenCarrier.swap(token);
            try {
                return function.apply(value);
            } finally {
                TokenCarrier.restore(previous);
            }
        }
    }

    public static final class PropagatingConsumer<T> extends Carrying implements Consumer<T> {
        private final Consumer<T> consumer;

        PropagatingConsumer(CarriedToken token, Consumer<T> consumer) {
            super(token, consumer);
            this.consumer = consumer;
        }

        @Override
        public void accept(T value) {
            CarriedToken previous = TokenCarrier.swap(token);
            try {
                consumer.accept(value);
            } finally {
                TokenCarrier.restore(previous);
            }
        }
    }

    public static final class PropagatingBiFunction<T, U, R> extends Carrying implements BiFunction<T, U, R> {
        private final BiFunction<T, U, R> function;

        PropagatingBiFunction(CarriedToken token, BiFunction<T, U, R> function) {
            super(token, function);
            this.function = function;
        }

        @Override
        public R apply(T first, U second) {
            CarriedToken previous = TokenCarrier.swap(token);
            try {
                return function.apply(first, second);
            } finally {
                TokenCarrier.restore(previous);
            }
        }
    }

    public static final class PropagatingBiConsumer<T, U> extends Carrying implements BiConsumer<T, U> {
        private final BiConsumer<T, U> consumer;

        PropagatingBiConsumer(CarriedToken token, BiConsumer<T, U> consumer) {
            super(token, consumer);
            this.consumer = consumer;
        }

        @Override
        public void accept(T first, U second) {
            CarriedToken previous = TokenCarrier.swap(token);
            try {
                consumer.accept(first, second);
            } finally {
                TokenCarrier.restore(previous);
            }
        }
    }
}
