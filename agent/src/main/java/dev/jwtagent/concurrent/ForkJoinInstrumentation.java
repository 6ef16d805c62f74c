package dev.jwtagent.concurrent;

import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Around;
import dev.jwtagent.instrument.ArgumentWrap;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;

import java.util.Collection;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * {@code ForkJoinPool} (the common pool too): {@code execute}, {@code submit}, {@code invokeAll},
 * {@code invokeAny} and, on Java 25, {@code invokeAllUninterruptibly}, {@code schedule*} and {@code submitWithTimeout}, wherever they
 * take a {@code Runnable}, a {@code Callable} or a collection of callables, and the timeout
 * action {@code submitWithTimeout} takes, which the pool's delay scheduler runs. A {@code ForkJoinTask}
 * is not wrapped: the pool and the caller rely on its identity ({@code invoke}, {@code join},
 * {@code fork} inside it). Forked ({@code fork()}, as a parallel stream's subtasks are) or given to the
 * pool as such ({@code execute}, {@code submit}, {@code invoke}), it goes with the caller's token,
 * kept beside it, and runs with that token ({@code doExec}) wherever it runs; handed over as a
 * {@code Runnable}, it runs with whatever its worker holds, which is no token. A thread that waits for the pool to go quiet
 * ({@code awaitQuiescence}, {@code awaitTermination} of the common pool, {@code ForkJoinTask.helpQuiesce})
 * and a worker that joins a task another worker stole ({@code helpJoin}) run other queued tasks
 * themselves: with their token hidden, each runs with its own or none.
 */
public final class ForkJoinInstrumentation implements AgentInstrumentation {
    @Override
    public String name() {
        return "fork-join";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        BootstrapClasses.load();
        return rules
                .type(TypeMatch.named("java.util.concurrent.ForkJoinPool"))
                .transform(ArgumentWrap.of(0, "forExecutor", handOff().argument(0, Runnable.class)))
                .transform(ArgumentWrap.of(0, "forExecutor", handOff().argument(0, Callable.class)))
                .transform(ArgumentWrap.of(0, "forExecutor", handOff().argument(0, Collection.class)))
                // Java 25's submitWithTimeout: the timeout action runs on the pool's delay scheduler.
                .transform(ArgumentWrap.of(3, "forAsyncStage", MethodMatch.named("submitWithTimeout").argument(3, Consumer.class)
                        .publicOnly()))
                // A caller that waits for the pool to go quiet runs whatever is queued on its own
                // thread, other callers' tasks and unwrapped ForkJoinTasks among them.
                .transform(Around.hidingToken(MethodMatch.named("awaitQuiescence", "awaitTermination").arguments(2)))
                // A worker that joins a task another worker stole helps that worker: it runs the base
                // of the thief's queue, which may be another caller's task (helpJoin, Java 17 to 25).
                // The joined task itself, when the join takes it back from the joiner's own queue,
                // runs with the joiner's token: before helpJoin on Java 17, inside it on Java 21+
                // (WorkQueue.tryRemoveAndExec, below).
                .transform(Around.hidingTokenWhileJoining(MethodMatch.named("helpJoin").arguments(3)))
                // A ForkJoinTask given to the pool as such goes with the caller's token, beside it.
                .transform(Around.handingOverForkJoinTask(MethodMatch.named("execute", "submit", "invoke")
                        // By name: a class literal would load ForkJoinTask before the transformer, which would
                        // then rewrite it on the first request instead of as it loads.
                        .arguments(1).argument(0, "java.util.concurrent.ForkJoinTask").publicOnly(), false))
                .type(TypeMatch.named("java.util.concurrent.ForkJoinPool$WorkQueue"))
                .transform(Around.showingJoinersToken(MethodMatch.named("tryRemoveAndExec").arguments(2)))
                .type(TypeMatch.named("java.util.concurrent.ForkJoinTask"))
                .transform(Around.hidingToken(MethodMatch.named("helpQuiesce").arguments(0)))
                // A thread that joins a task (join, get, invoke) may run it itself, or other tasks of its
                // computation: each runs with the token it was forked with, and one forked without a
                // token (work the application started outside a request) must not get the joiner's.
                .transform(Around.hidingToken(MethodMatch.named("awaitDone")))
                // A forked task (a parallel stream's subtasks among them) goes with the forker's token,
                // and every task runs with the token it went with, on whichever thread runs it.
                .transform(Around.handingOverForkJoinTask(MethodMatch.named("fork").arguments(0), true))
                // A task run by its caller (invoke) goes with the caller's token, or none: a task forked,
                // taken back (tryUnfork) and computed directly keeps its entry, and when the application
                // reuses it for another caller it must not run with the first one's token.
                .transform(Around.handingOverForkJoinTask(MethodMatch.named("invoke", "quietlyInvoke").arguments(0), true))
                .transform(Around.runningForkJoinTask(MethodMatch.named("doExec").arguments(0)));
    }

    private static MethodMatch handOff() {
        return MethodMatch.named("execute", "submit", "submitWithTimeout").orNameStartsWith("invoke", "schedule")
                .publicOnly().notBridge();
    }
}
