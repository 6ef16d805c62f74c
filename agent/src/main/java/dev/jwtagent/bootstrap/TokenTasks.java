package dev.jwtagent.bootstrap;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.jwtagent.bootstrap.TokenPropagatingFunctions.PropagatingBiConsumer;
import dev.jwtagent.bootstrap.TokenPropagatingFunctions.PropagatingBiFunction;
import dev.jwtagent.bootstrap.TokenPropagatingFunctions.PropagatingConsumer;
import dev.jwtagent.bootstrap.TokenPropagatingFunctions.PropagatingFunction;
import dev.jwtagent.bootstrap.TokenPropagatingFunctions.PropagatingSupplier;

/**
 * What the hand-off instrumentations call: each method takes the task being handed to another
 * thread and returns what to hand over instead. The calls are written into the JDK's classes
 * unguarded ({@code ArgumentWrap}), so no method here may throw. With no token current, every method returns its argument
 * unchanged after one thread-local read: the common path costs nothing else.
 */
public final class TokenTasks {
    private TokenTasks() {
    }

    /**
     * A task given to an executor. Not wrapped: a {@link FutureTask} (it captured the token when it
     * was made: its constructor is instrumented too), a {@link ForkJoinTask} (wrapping would change
     * what a pool does with it; {@code CompletableFuture}'s own tasks are of this kind and carry the
     * token in their function), and a task already wrapped.
     */
    public static Runnable forExecutor(Runnable task) {
        CarriedToken token = TokenCarrier.current();
        if (token == null || task == null || task instanceof TokenPropagatingRunnable
                || task instanceof FutureTask || task instanceof ForkJoinTask) {
            return task;
        }
        return propagating(token, task);
    }

    /**
     * Whether a task class is a {@code Future}, remembered per class: on Java 17 the failing
     * {@code instanceof} of an interface scans the class's interfaces with an instruction that cost
     * about 17 ns a hand-off in JMH, three times the rest of it. Kept on the class itself, so a web
     * application's task class does not keep its loader. Every class is asked, a lambda's too: a
     * synthetic class may be a {@code Future}, as a proxy a bytecode library generates may be.
     */
    private static final ClassValue<Boolean> IS_FUTURE = new ClassValue<Boolean>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return Future.class.isAssignableFrom(type);
        }
    };

    /** The wrapper of {@code task}: one that is still a {@code Future} when the task is one. */
    private static Runnable propagating(CarriedToken token, Runnable task) {
        return IS_FUTURE.get(task.getClass()) ? new TokenPropagatingFuture(token, task) : new TokenPropagatingRunnable(token, task);
    }

    /**
     * A task given to {@code execute} of an executor of the application's own: wrapped with the token
     * current now, and also with none when none is, so that it runs with exactly that. Such an
     * executor may hand the task on later from another thread (a serial executor handing each next
     * task to a pool from inside the task before it), where the hand-off would otherwise carry that
     * thread's token, another caller's. Handed over as it is: a task already wrapped, a
     * {@code FutureTask} (whose work carries its creator's token, and whose identity the executor's
     * {@code shutdownNow()} or {@code remove} may need), a {@code ForkJoinTask} other than a
     * {@code CompletableFuture}'s own (whose function carries its caller's token only when one was
     * current: given with none, it would run with the token of whichever task hands it on; a
     * {@code SubmissionPublisher}'s consumer task is as it is), and a
     * {@code Comparable} task, which a queue that orders tasks compares with others, and every task
     * of an executor that keeps its tasks in such a queue ({@link TaskOrderingExecutors}). A subclass of
     * the JDK's pools ({@code ThreadPoolExecutor}, {@code ForkJoinPool}) gets the task as it is: its
     * {@code execute} hands it to theirs, which decide (a pool whose queue orders its tasks gets them
     * unwrapped). Either way, no token is current while the executor's {@code execute} runs
     * ({@link #hideForApplicationExecute}).
     */
    public static Runnable forApplicationExecutor(Runnable task, Object executor) {
        return takesTaskAsItIs(task, executor) ? task : propagating(TokenCarrier.current(), task);
    }

    /**
     * Before {@code execute(Runnable)} of an executor of the application's own, other than a subclass
     * of the JDK's pools, and after its task was wrapped ({@link #forApplicationExecutor}): no token
     * is current while it runs. The task carries its caller's token (or none) itself, and what the
     * executor starts or hands on meanwhile must not carry the caller's: a worker thread it starts
     * with {@code new Thread}, or a drain loop it hands to a pool, on the first caller's
     * {@code execute}, held that caller's token for good, and ran with it every task queued behind
     * as it is (a {@code FutureTask} that a later caller without a token made through
     * {@code submit}, a task of an ordering queue). Returns what to give back to {@link #unhide}.
     */
    public static CarriedToken hideForApplicationExecute(Object executor) {
        if (TokenCarrier.current() == null || executor instanceof ThreadPoolExecutor || executor instanceof ForkJoinPool) {
            return null;
        }
        return hide();
    }

    /** Whether an executor of the application's own is given {@code task} as it is, not wrapped. */
    private static boolean takesTaskAsItIs(Runnable task, Object executor) {
        if (task == null || task instanceof TokenPropagatingRunnable || task instanceof FutureTask
                || (task instanceof ForkJoinTask && !isCompletableFuturesOwn(task))
                || task instanceof Comparable || executor instanceof ThreadPoolExecutor || executor instanceof ForkJoinPool) {
            return true;
        }
        try {
            return TaskOrderingExecutors.ordersItsTasks(executor);
        } catch (RuntimeException | LinkageError e) {
            AgentBridge.adviceFault(e);
            return true;
        }
    }

    /**
     * A stage task of {@code CompletableFuture} itself, which runs one stage. Not every
     * {@code AsynchronousCompletionTask}: {@code SubmissionPublisher}'s consumer task is one too, and
     * delivers every item any caller submits while it runs, so it must not carry the token of the
     * caller whose submit started it.
     */
    private static boolean isCompletableFuturesOwn(Runnable task) {
        return task instanceof CompletableFuture.AsynchronousCompletionTask && task.getClass().getClassLoader() == null
                && task.getClass().getName().startsWith("java.util.concurrent.CompletableFuture$");
    }

    /**
     * A task given to {@code ThreadPoolExecutor.execute}: as {@link #forExecutor(Runnable)}, but
     * handed over as it is, and carrying no token, when the pool's queue orders its tasks (a
     * {@link PriorityBlockingQueue} compares them with one another, by its comparator or as
     * {@link Comparable}) or when the task is {@code Comparable}: a wrapper made such a queue throw
     * {@code ClassCastException} from {@code execute}, in the application. Such a queue also gets back
     * the application's own task from a wrapper an executor in front of the pool made
     * ({@link #forApplicationExecutor}, which wraps also when no token is current).
     */
    public static Runnable forPoolExecute(Runnable task, Object pool) {
        boolean wrapped = task instanceof TokenPropagatingRunnable;
        if (!wrapped && (TokenCarrier.current() == null || task instanceof Comparable)) {
            return task;
        }
        try {
            if (pool instanceof ThreadPoolExecutor && ((ThreadPoolExecutor) pool).getQueue() instanceof PriorityBlockingQueue) {
                return wrapped ? ((TokenPropagatingRunnable) task).task() : task;
            }
        } catch (RuntimeException | LinkageError e) {
            // A subclass's getQueue that fails: not known to order its tasks, so the usual hand-off.
            AgentBridge.adviceFault(e);
        }
        return forExecutor(task);
    }

    public static <V> Callable<V> forExecutor(Callable<V> task) {
        CarriedToken token = TokenCarrier.current();
        if (token == null) {
            return task;
        }
        return wrap(token, task);
    }

    /**
     * {@code invokeAll} / {@code invokeAny}: a new collection of wrapped tasks, in the same order.
     * The application's collection may fail while it is read: then it is handed over as it is, and
     * the executor meets the same failure.
     */
    public static <V> Collection<? extends Callable<V>> forExecutor(Collection<? extends Callable<V>> tasks) {
        CarriedToken token = TokenCarrier.current();
        if (token == null || tasks == null) {
            return tasks;
        }
        try {
            List<Callable<V>> wrapped = new ArrayList<>(tasks.size());
            for (Callable<V> task : tasks) {
                wrapped.add(wrap(token, task));
            }
            return wrapped;
        } catch (RuntimeException e) {
            AgentBridge.adviceFault(e);
            return tasks;
        }
    }

    /**
     * The target of a new thread. The JDK's own runnables are left alone: they are pool and
     * infrastructure loops ({@code ThreadPoolExecutor}'s worker, cleaners, the dispatcher of
     * {@code com.sun.net.httpserver.HttpServer}, which runs or hands on every later caller's
     * exchange) or they wrap a task that was already handed over with its token (virtual-thread
     * executors, futures). The JDK's are those of the bootstrap and the platform class loaders
     * ({@link #isJdksOwn}).
     */
    public static Runnable forNewThread(Runnable target) {
        CarriedToken token = TokenCarrier.current();
        if (token == null || target == null || isJdksOwn(target.getClass().getClassLoader())) {
            return target;
        }
        return new ThreadTargetRunnable(token, target);
    }

    /**
     * Whether a class of {@code loader} is the JDK's own: the bootstrap loader's (null) or the
     * platform loader's, which defines some of the JDK's modules ({@code jdk.httpserver},
     * {@code java.net.http}, {@code java.sql}...). No application class is defined there.
     */
    static boolean isJdksOwn(ClassLoader loader) {
        return loader == null || loader == PLATFORM_LOADER;
    }

    /** The platform class loader, or null when it cannot be asked for (then only the bootstrap loader's count). */
    private static final ClassLoader PLATFORM_LOADER = platformLoader();

    private static ClassLoader platformLoader() {
        try {
            return ClassLoader.getPlatformClassLoader();
        } catch (RuntimeException e) {
            return null;
        }
    }

    public static <T> Supplier<T> forAsyncStage(Supplier<T> function) {
        CarriedToken token = TokenCarrier.current();
        if (token == null || function == null || function instanceof PropagatingSupplier) {
            return function;
        }
        return new PropagatingSupplier<>(token, function);
    }

    public static <T, R> Function<T, R> forAsyncStage(Function<T, R> function) {
        CarriedToken token = TokenCarrier.current();
        if (token == null || function == null || function instanceof PropagatingFunction) {
            return function;
        }
        return new PropagatingFunction<>(token, function);
    }

    public static <T> Consumer<T> forAsyncStage(Consumer<T> function) {
        CarriedToken token = TokenCarrier.current();
        if (token == null || function == null || function instanceof PropagatingConsumer) {
            return function;
        }
        return new PropagatingConsumer<>(token, function);
    }

    public static <T, U, R> BiFunction<T, U, R> forAsyncStage(BiFunction<T, U, R> function) {
        CarriedToken token = TokenCarrier.current();
        if (token == null || function == null || function instanceof PropagatingBiFunction) {
            return function;
        }
        return new PropagatingBiFunction<>(token, function);
    }

    public static <T, U> BiConsumer<T, U> forAsyncStage(BiConsumer<T, U> function) {
        CarriedToken token = TokenCarrier.current();
        if (token == null || function == null || function instanceof PropagatingBiConsumer) {
            return function;
        }
        return new PropagatingBiConsumer<>(token, function);
    }

    public static Runnable forAsyncStage(Runnable function) {
        CarriedToken token = TokenCarrier.current();
        if (token == null || function == null || function instanceof TokenPropagatingRunnable) {
            return function;
        }
        return new TokenPropagatingRunnable(token, function);
    }

    /**
     * Hides the current token while a pool makes or starts one of its own threads, so that the
     * thread (which will run other people's tasks for the rest of its life) starts with none.
     * Returns what to give back to {@link #unhide}.
     */
    public static CarriedToken hide() {
        CarriedToken token = TokenCarrier.current();
        if (token != null) {
            TokenCarrier.swap(null);
        }
        return token;
    }

    public static void unhide(CarriedToken hidden) {
        if (hidden != null) {
            TokenCarrier.restore(hidden);
        }
    }

    /**
     * Before {@code ForkJoinPool.helpJoin}: no token is current while the join helps run other
     * callers' tasks, and the joiner's token (or none) is kept aside for the task it joins. Returns
     * what {@link #unhideAfterJoin} puts back, or null when there is nothing to put back.
     */
    public static Object hideForJoin() {
        TokenCarrier.Slot slot = TokenCarrier.slot();
        if (slot.token == null && slot.hiddenByJoin == null) {
            return null;
        }
        JoinScope scope = new JoinScope(slot.token, slot.hiddenByJoin);
        slot.hiddenByJoin = slot.token;
        slot.token = null;
        return scope;
    }

    public static void unhideAfterJoin(Object state) {
        if (state instanceof JoinScope) {
            TokenCarrier.Slot slot = TokenCarrier.slot();
            slot.token = ((JoinScope) state).token;
            slot.hiddenByJoin = ((JoinScope) state).hiddenByJoin;
        }
    }

    /**
     * Before {@code WorkQueue.tryRemoveAndExec} (Java 21+, the first thing {@code helpJoin} does):
     * the joined task, taken back from the joiner's own queue, runs with the joiner's token, as it
     * does when {@code join} pops it itself. Returns the token made current, or null.
     */
    public static CarriedToken showJoinersToken() {
        TokenCarrier.Slot slot = TokenCarrier.slot();
        if (slot.token != null || slot.hiddenByJoin == null) {
            return null;
        }
        slot.token = slot.hiddenByJoin;
        return slot.token;
    }

    public static void hideJoinersToken(CarriedToken shown) {
        if (shown != null) {
            TokenCarrier.slot().token = null;
        }
    }

    /** What a join hid: the joiner's token, and what an enclosing join had kept aside. */
    private static final class JoinScope {
        final CarriedToken token;
        final CarriedToken hiddenByJoin;

        JoinScope(CarriedToken token, CarriedToken hiddenByJoin) {
            this.token = token;
            this.hiddenByJoin = hiddenByJoin;
        }
    }

    private static <V> Callable<V> wrap(CarriedToken token, Callable<V> task) {
        if (task == null || task instanceof TokenPropagatingCallable) {
            return task;
        }
        return new TokenPropagatingCallable<>(token, task);
    }
}
