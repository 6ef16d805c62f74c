package dev.jwtagent.concurrent;

import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Around;
import dev.jwtagent.instrument.ArgumentWrap;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;

import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code CompletableFuture}'s {@code *Async} methods ({@code supplyAsync}, {@code runAsync},
 * {@code thenApplyAsync}, ..., {@code completeAsync}), with the default or an explicit executor,
 * and its other stage methods ({@code thenApply}, {@code whenComplete}, {@code exceptionally}...).
 * The function is wrapped ({@code TokenTasks.forAsyncStage}) when the stage is registered, on the
 * caller's thread: a dependent stage runs when its source completes, on whatever thread completed
 * it and for whoever that was, so the executor would be the wrong place to capture. The pools
 * ignore the future's own tasks. And while a completion runs the stages waiting on the future
 * ({@code postComplete}), the completing thread's token is hidden: a stage registered without a
 * token, on a future that another request completes, must not get that request's token. The
 * same while a waiting thread helps run the common pool's async stages
 * ({@code ForkJoinPool.helpAsyncBlocker}): a stage that carries its caller's token brings it.
 * A task given to a {@code delayedExecutor} is wrapped as it is given.
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
                .transform(async(0, Supplier.class))
                .transform(async(0, Runnable.class))
                .transform(async(1, Runnable.class))
                .transform(async(0, Function.class))
                .transform(async(1, Function.class))
                .transform(async(0, Consumer.class))
                .transform(async(1, Consumer.class))
                .transform(async(0, BiFunction.class))
                .transform(async(1, BiFunction.class))
                .transform(async(0, BiConsumer.class))
                .transform(async(1, BiConsumer.class))
                .transform(stage(0, Runnable.class))
                .transform(stage(1, Runnable.class))
                .transform(stage(0, Function.class))
                .transform(stage(1, Function.class))
                .transform(stage(0, Consumer.class))
                .transform(stage(1, Consumer.class))
                .transform(stage(0, BiFunction.class))
                .transform(stage(1, BiFunction.class))
                .transform(stage(0, BiConsumer.class))
                .transform(stage(1, BiConsumer.class))
                .transform(Around.hidingToken(MethodMatch.named("postComplete").arguments(0)))
                // delayedExecutor(...).execute(task): on Java 25 the common pool's delay scheduler hands
                // the task to the executor itself, on its own thread, where no token is current.
                .type(TypeMatch.named("java.util.concurrent.CompletableFuture$DelayedExecutor"))
                .transform(ArgumentWrap.of(0, "forExecutor", MethodMatch.named("execute").argument(0, Runnable.class)))
                // A thread that waits on a future of the default executor (join, get) helps run the
                // common pool's queued async stages, other callers' among them, on its own thread.
                .type(TypeMatch.named("java.util.concurrent.ForkJoinPool"))
                .transform(Around.hidingToken(MethodMatch.named("helpAsyncBlocker").arguments(2)));
    }

    /** The function at {@code index} of every public stage method that is not {@code *Async} and takes one of this shape there. */
    private static ArgumentWrap stage(int index, Class<?> shape) {
        return ArgumentWrap.of(index, "forAsyncStage", MethodMatch.named("thenApply", "thenAccept", "thenRun", "thenCombine",
                "thenAcceptBoth", "runAfterBoth", "applyToEither", "acceptEither", "runAfterEither", "thenCompose", "handle",
                "whenComplete", "exceptionally", "exceptionallyCompose").argument(index, shape).publicOnly().notBridge());
    }

    /** The function at {@code index} of every public {@code *Async} method that takes one of this shape there. */
    private static ArgumentWrap async(int index, Class<?> shape) {
        return ArgumentWrap.of(index, "forAsyncStage",
                MethodMatch.nameEndsWith("Async").argument(index, shape).publicOnly().notBridge());
    }
}
