package dev.jwtagent.concurrent;

import dev.jwtagent.bootstrap.TokenTasks;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;
import net.bytebuddy.asm.Advice;

import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code CompletableFuture}'s {@code *Async} methods ({@code supplyAsync}, {@code runAsync},
 * {@code thenApplyAsync}, ..., {@code completeAsync}), with the default or an explicit executor.
 * The function is wrapped when the stage is registered, on the caller's thread: a dependent stage
 * runs when its source completes, on whatever thread completed it and for whoever that was, so the
 * executor would be the wrong place to capture. The pools ignore the future's own tasks.
 */
public final class CompletableFutureInstrumentation implements AgentInstrumentation {
    @Override
    public String name() {
        return "completable-future";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        BootstrapClasses.load();
        return rules.type(TypeMatch.named("java.util.concurrent.CompletableFuture"))
                .transform(support.advice(async(0, Supplier.class), SupplierAt0.class.getName()))
                .transform(support.advice(async(0, Runnable.class), RunnableAt0.class.getName()))
                .transform(support.advice(async(1, Runnable.class), RunnableAt1.class.getName()))
                .transform(support.advice(async(0, Function.class), FunctionAt0.class.getName()))
                .transform(support.advice(async(1, Function.class), FunctionAt1.class.getName()))
                .transform(support.advice(async(0, Consumer.class), ConsumerAt0.class.getName()))
                .transform(support.advice(async(1, Consumer.class), ConsumerAt1.class.getName()))
                .transform(support.advice(async(0, BiFunction.class), BiFunctionAt0.class.getName()))
                .transform(support.advice(async(1, BiFunction.class), BiFunctionAt1.class.getName()))
                .transform(support.advice(async(0, BiConsumer.class), BiConsumerAt0.class.getName()))
                .transform(support.advice(async(1, BiConsumer.class), BiConsumerAt1.class.getName()));
    }

    private static MethodMatch async(int index, Class<?> shape) {
        return MethodMatch.nameEndsWith("Async").argument(index, shape).publicOnly().notBridge();
    }

    public static final class SupplierAt0 {
        private SupplierAt0() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Supplier<Object> function) {
            function = TokenTasks.forAsyncStage(function);
        }
    }

    public static final class RunnableAt0 {
        private RunnableAt0() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable function) {
            function = TokenTasks.forAsyncStage(function);
        }
    }

    public static final class RunnableAt1 {
        private RunnableAt1() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 1, readOnly = false) Runnable function) {
            function = TokenTasks.forAsyncStage(function);
        }
    }

    public static final class FunctionAt0 {
        private FunctionAt0() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Function<Object, Object> function) {
            function = TokenTasks.forAsyncStage(function);
        }
    }

    public static final class FunctionAt1 {
        private FunctionAt1() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 1, readOnly = false) Function<Object, Object> function) {
            function = TokenTasks.forAsyncStage(function);
        }
    }

    public static final class ConsumerAt0 {
        private ConsumerAt0() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) Consumer<Object> function) {
            function = TokenTasks.forAsyncStage(function);
        }
    }

    public static final class ConsumerAt1 {
        private ConsumerAt1() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 1, readOnly = false) Consumer<Object> function) {
            function = TokenTasks.forAsyncStage(function);
        }
    }

    public static final class BiFunctionAt0 {
        private BiFunctionAt0() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) BiFunction<Object, Object, Object> function) {
            function = TokenTasks.forAsyncStage(function);
        }
    }

    public static final class BiFunctionAt1 {
        private BiFunctionAt1() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 1, readOnly = false) BiFunction<Object, Object, Object> function) {
            function = TokenTasks.forAsyncStage(function);
        }
    }

    public static final class BiConsumerAt0 {
        private BiConsumerAt0() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) BiConsumer<Object, Object> function) {
            function = TokenTasks.forAsyncStage(function);
        }
    }

    public static final class BiConsumerAt1 {
        private BiConsumerAt1() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 1, readOnly = false) BiConsumer<Object, Object> function) {
            function = TokenTasks.forAsyncStage(function);
        }
    }
}
