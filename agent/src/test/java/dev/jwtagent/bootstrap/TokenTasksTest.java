package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenTasksTest {
    private static final CarriedToken ALICE = new CarriedToken("alice-secret-token", Long.MAX_VALUE, "sha256:aaaaaaaaaaaa");
    private static final CarriedToken BOB = new CarriedToken("bob-secret-token", Long.MAX_VALUE, "sha256:bbbbbbbbbbbb");

    @AfterEach
    void clear() {
        TokenCarrier.swap(null);
    }

    /** A task of a priority executor: ordered by its own priority, compared only with its own kind. */
    static final class Prioritised implements Runnable, Comparable<Prioritised> {
        final int priority;

        Prioritised(int priority) {
            this.priority = priority;
        }

        @Override
        public void run() {
        }

        @Override
        public int compareTo(Prioritised other) {
            return Integer.compare(priority, other.priority);
        }
    }

    /** An application's comparator: it casts the tasks to its own class. */
    private static final java.util.Comparator<Runnable> BY_PRIORITY =
            (a, b) -> Integer.compare(((Prioritised) a).priority, ((Prioritised) b).priority);

    private static java.util.concurrent.ThreadPoolExecutor pool(java.util.concurrent.BlockingQueue<Runnable> queue) {
        return new java.util.concurrent.ThreadPoolExecutor(1, 1, 1, java.util.concurrent.TimeUnit.SECONDS, queue);
    }

    @Test
    void aPoolThatOrdersItsTasksGetsThemAsThemselves() {
        java.util.concurrent.ThreadPoolExecutor priorityPool = pool(new java.util.concurrent.PriorityBlockingQueue<>(11, BY_PRIORITY));
        java.util.concurrent.ThreadPoolExecutor plainPool = pool(new java.util.concurrent.LinkedBlockingQueue<>());
        try {
            Prioritised low = new Prioritised(5);
            Prioritised high = new Prioritised(1);
            Prioritised middle = new Prioritised(3);
            Runnable plain = () -> { };
            TokenCarrier.swap(ALICE);
            // Tasks handed over with a token and without, in one queue that compares them: a wrapper
            // made it throw ClassCastException (the comparator's cast, or the task's compareTo).
            assertSame(low, TokenTasks.forPoolExecute(low, plainPool), "a Comparable task");
            assertSame(plain, TokenTasks.forPoolExecute(plain, priorityPool), "a queue that orders its tasks");
            assertTrue(TokenTasks.forPoolExecute(plain, plainPool) instanceof TokenPropagatingRunnable, "any other");
            assertTrue(TokenTasks.forExecutor(low) instanceof TokenPropagatingRunnable, "other hand-offs wrap Comparable tasks");
            java.util.concurrent.PriorityBlockingQueue<Runnable> queue = new java.util.concurrent.PriorityBlockingQueue<>();
            queue.add(TokenTasks.forPoolExecute(low, plainPool));
            queue.add(TokenTasks.forPoolExecute(high, plainPool));
            TokenCarrier.swap(null);
            queue.add(TokenTasks.forPoolExecute(middle, plainPool));
            assertSame(high, queue.poll());
            assertSame(middle, queue.poll());
            assertSame(low, queue.poll());
        } finally {
            priorityPool.shutdown();
            plainPool.shutdown();
        }
    }

    @Test
    void aPoolThatOrdersItsTasksGetsThemBackFromTheWrapperOfAnExecutorInFrontOfIt() {
        java.util.concurrent.ThreadPoolExecutor priorityPool = pool(new java.util.concurrent.PriorityBlockingQueue<>(11, BY_PRIORITY));
        java.util.concurrent.ThreadPoolExecutor plainPool = pool(new java.util.concurrent.LinkedBlockingQueue<>());
        java.util.concurrent.Executor front = Runnable::run;
        try {
            Runnable job = () -> { };
            // The executor in front wraps with no token current too: the pool's hand-off sees a wrapper either way.
            Runnable tokenless = TokenTasks.forApplicationExecutor(job, front);
            assertSame(job, TokenTasks.forPoolExecute(tokenless, priorityPool), "no token current");
            TokenCarrier.swap(ALICE);
            Runnable alices = TokenTasks.forApplicationExecutor(job, front);
            assertSame(job, TokenTasks.forPoolExecute(alices, priorityPool), "a token current");
            assertSame(alices, TokenTasks.forPoolExecute(alices, plainPool), "a pool whose queue does not order its tasks");
        } finally {
            priorityPool.shutdown();
            plainPool.shutdown();
        }
    }

    @Test
    void anApplicationsExecutorWrapsEachTaskWithItsCallersTokenOrWithNone() {
        java.util.concurrent.Executor own = Runnable::run;
        AtomicReference<CarriedToken> seen = new AtomicReference<>();
        Runnable tokenless = TokenTasks.forApplicationExecutor(seen(seen), own);
        TokenCarrier.swap(BOB);
        Runnable bobs = TokenTasks.forApplicationExecutor(seen(seen), own);

        // Run on a thread that holds alice's token, as a pool thread running her task would be.
        TokenCarrier.swap(ALICE);
        tokenless.run();
        assertNull(seen.get(), "the task of a caller without a token runs with none");
        bobs.run();
        assertSame(BOB, seen.get());
        assertSame(ALICE, TokenCarrier.current(), "the thread gets back what it held");
        assertSame(bobs, TokenTasks.forApplicationExecutor(bobs, own), "a wrapper is not wrapped again");
    }

    @Test
    void anApplicationsExecutorHandsOverFuturesComparableTasksAndTheJdkPoolsTasksAsTheyAre() {
        java.util.concurrent.Executor own = Runnable::run;
        Runnable plain = () -> { };
        FutureTask<String> future = new FutureTask<>(() -> "x");
        Prioritised ordered = new Prioritised(1);
        java.util.concurrent.ThreadPoolExecutor pool = pool(new java.util.concurrent.LinkedBlockingQueue<>());
        try {
            TokenCarrier.swap(ALICE);
            assertSame(future, TokenTasks.forApplicationExecutor(future, own));
            assertSame(ordered, TokenTasks.forApplicationExecutor(ordered, own));
            assertSame(plain, TokenTasks.forApplicationExecutor(plain, pool), "a ThreadPoolExecutor subclass's execute hands it to the pool's");
            assertSame(plain, TokenTasks.forApplicationExecutor(plain, java.util.concurrent.ForkJoinPool.commonPool()));
            assertTrue(TokenTasks.forApplicationExecutor(plain, own) instanceof TokenPropagatingRunnable);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anApplicationsExecutorWrapsACompletableFuturesOwnTaskWithItsCallersTokenOrWithNone() {
        QueueingExecutor own = new QueueingExecutor(new java.util.concurrent.LinkedBlockingQueue<>());
        AtomicReference<CarriedToken> seen = new AtomicReference<>();
        java.util.concurrent.CompletableFuture.runAsync(seen(seen), own);
        Runnable tokenless = TokenTasks.forApplicationExecutor(own.queue.poll(), own);

        // Run on a thread that holds alice's token, as a serial executor's pool thread running her task would be.
        TokenCarrier.swap(ALICE);
        tokenless.run();
        assertNull(seen.get(), "the stage of a caller without a token runs with none");
        assertSame(ALICE, TokenCarrier.current(), "the thread gets back what it held");
    }

    /** A task that is its own future, as the task Guava's {@code listeningDecorator(...).submit} queues is (public and not final: a generated class extends it). */
    public static class OwnFutureTask extends java.util.concurrent.CompletableFuture<Void> implements Runnable {
        @Override
        public void run() {
            complete(null);
        }
    }

    @Test
    void aWrappedTaskThatIsAFutureStaysOneThatCancelsIt() {
        java.util.concurrent.Executor own = Runnable::run;
        OwnFutureTask tokenless = new OwnFutureTask();
        Runnable forOwn = TokenTasks.forApplicationExecutor(tokenless, own);
        TokenCarrier.swap(ALICE);
        OwnFutureTask alices = new OwnFutureTask();
        Runnable forPool = TokenTasks.forExecutor(alices);

        // What an application does with the tasks a pool's shutdownNow() hands back.
        for (Runnable left : Arrays.asList(forOwn, forPool)) {
            assertTrue(left instanceof TokenPropagatingRunnable, "wrapped");
            assertTrue(((java.util.concurrent.Future<?>) left).cancel(false));
            assertTrue(((java.util.concurrent.Future<?>) left).isCancelled());
        }
        assertTrue(tokenless.isCancelled(), "the application's task is cancelled");
        assertTrue(alices.isCancelled(), "the application's task is cancelled");
    }

    /**
     * A lambda and a plain class are wrapped as plain runnables and a future as a future, each time; a
     * class a bytecode library generates and marks synthetic, as it may a proxy, included.
     */
    @Test
    void aTaskThatIsNoFutureIsWrappedAsAPlainRunnable() throws ReflectiveOperationException {
        TokenCarrier.swap(ALICE);
        Runnable lambda = () -> { };
        Runnable plain = new Thread();
        Class<?> syntheticFutureType = new net.bytebuddy.ByteBuddy()
                .subclass(OwnFutureTask.class)
                .modifiers(net.bytebuddy.description.modifier.Visibility.PUBLIC, net.bytebuddy.description.modifier.SyntheticState.SYNTHETIC)
                .make()
                .load(getClass().getClassLoader(), net.bytebuddy.dynamic.loading.ClassLoadingStrategy.Default.WRAPPER)
                .getLoaded();
        assertTrue(syntheticFutureType.isSynthetic(), "the generated class is synthetic");
        Runnable syntheticFuture = (Runnable) syntheticFutureType.getConstructor().newInstance();
        for (int i = 0; i < 3; i++) {
            for (Runnable task : Arrays.asList(lambda, plain, new OwnFutureTask(), syntheticFuture)) {
                Runnable wrapped = TokenTasks.forExecutor(task);
                assertTrue(wrapped instanceof TokenPropagatingRunnable, "wrapped");
                assertEquals(task instanceof java.util.concurrent.Future, wrapped instanceof java.util.concurrent.Future, task.toString());
            }
        }
    }

    /**
     * A {@code SubmissionPublisher}'s consumer task is an {@code AsynchronousCompletionTask} too, but it
     * delivers every item submitted while it runs, by any caller: it goes as it is, with no token
     * current while the executor takes it, not with the token of the caller whose submit started it.
     */
    @Test
    void anApplicationsExecutorTakesASubmissionPublishersConsumerTaskAsItIs() {
        QueueingExecutor own = new QueueingExecutor(new java.util.concurrent.LinkedBlockingQueue<>());
        try (java.util.concurrent.SubmissionPublisher<String> publisher = new java.util.concurrent.SubmissionPublisher<>(own, 16)) {
            publisher.consume(item -> { });
            Runnable consumer = own.queue.poll();
            assertTrue(consumer instanceof java.util.concurrent.CompletableFuture.AsynchronousCompletionTask, "the publisher's consumer task");

            TokenCarrier.swap(ALICE);
            assertSame(consumer, TokenTasks.forApplicationExecutor(consumer, own), "not wrapped with alice's token");
            assertSame(ALICE, TokenTasks.hideForApplicationExecute(own), "none current while the executor takes it");
            assertNull(TokenCarrier.current());
            TokenTasks.unhide(ALICE);
        }
    }

    /** An executor of the application's own that queues its tasks itself, in whatever queue it was given. */
    static final class QueueingExecutor implements java.util.concurrent.Executor {
        private final java.util.concurrent.BlockingQueue<Runnable> queue;

        QueueingExecutor(java.util.concurrent.BlockingQueue<Runnable> queue) {
            this.queue = queue;
        }

        @Override
        public void execute(Runnable task) {
            queue.add(task);
        }
    }

    /**
     * While an application's executor runs, no token is current: its task was wrapped with the
     * caller's before, and what it starts or hands on meanwhile (a worker that drains its queue) must
     * not carry the caller's token. A subclass of the JDK's pools leaves the token in place: its
     * {@code execute} hands the task to theirs, which decides.
     */
    @Test
    void theTokenIsHiddenWhileAnApplicationsExecutorRuns() {
        QueueingExecutor ordering = new QueueingExecutor(new java.util.concurrent.PriorityBlockingQueue<>());
        QueueingExecutor plainQueue = new QueueingExecutor(new java.util.concurrent.LinkedBlockingQueue<>());
        java.util.concurrent.ThreadPoolExecutor pool = pool(new java.util.concurrent.LinkedBlockingQueue<>());
        try {
            assertNull(TokenTasks.hideForApplicationExecute(ordering), "nothing to hide without a token");

            TokenCarrier.swap(ALICE);
            for (Object executor : new Object[] {ordering, plainQueue}) {
                CarriedToken hidden = TokenTasks.hideForApplicationExecute(executor);
                assertSame(ALICE, hidden, "hidden for " + executor);
                assertNull(TokenCarrier.current());
                TokenTasks.unhide(hidden);
                assertSame(ALICE, TokenCarrier.current(), "back after");
            }
            assertNull(TokenTasks.hideForApplicationExecute(pool), "a ThreadPoolExecutor subclass's execute hands it to the pool's");
            assertNull(TokenTasks.hideForApplicationExecute(new java.util.concurrent.ForkJoinPool(1)), "nor a ForkJoinPool's");
            assertSame(ALICE, TokenCarrier.current());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anApplicationsExecutorThatKeepsItsTasksInAnOrderingQueueGetsThemAsThemselves() {
        Runnable plain = () -> { };
        QueueingExecutor ordering = new QueueingExecutor(new java.util.concurrent.PriorityBlockingQueue<>(11, BY_PRIORITY));
        QueueingExecutor fifo = new QueueingExecutor(new java.util.concurrent.LinkedBlockingQueue<>());
        assertSame(plain, TokenTasks.forApplicationExecutor(plain, ordering), "no token current");
        TokenCarrier.swap(ALICE);
        assertSame(plain, TokenTasks.forApplicationExecutor(plain, ordering), "a token current");
        assertTrue(TokenTasks.forApplicationExecutor(plain, fifo) instanceof TokenPropagatingRunnable, "a queue that keeps their order");
    }

    @Test
    void withoutATokenEveryTaskIsHandedOverUnchanged() {
        Runnable runnable = () -> { };
        Callable<String> callable = () -> "x";
        List<Callable<String>> callables = List.of(callable);
        Supplier<String> supplier = () -> "x";
        Function<String, String> function = s -> s;
        Consumer<String> consumer = s -> { };
        BiFunction<String, String, String> biFunction = (a, b) -> a;
        BiConsumer<String, String> biConsumer = (a, b) -> { };

        assertSame(runnable, TokenTasks.forExecutor(runnable));
        assertSame(callable, TokenTasks.forExecutor(callable));
        assertSame(callables, TokenTasks.forExecutor(callables));
        assertSame(runnable, TokenTasks.forNewThread(runnable));
        assertSame(runnable, TokenTasks.forAsyncStage(runnable));
        assertSame(supplier, TokenTasks.forAsyncStage(supplier));
        assertSame(function, TokenTasks.forAsyncStage(function));
        assertSame(consumer, TokenTasks.forAsyncStage(consumer));
        assertSame(biFunction, TokenTasks.forAsyncStage(biFunction));
        assertSame(biConsumer, TokenTasks.forAsyncStage(biConsumer));
    }

    @Test
    void aTaskRunsWithTheTokenOfItsHandOverAndTheWorkerGetsBackWhatItHeld() throws Exception {
        TokenCarrier.swap(ALICE);
        AtomicReference<CarriedToken> seen = new AtomicReference<>();
        Runnable runnable = TokenTasks.forExecutor(seen(seen));
        Callable<CarriedToken> callable = TokenTasks.forExecutor((Callable<CarriedToken>) TokenCarrier::current);

        TokenCarrier.swap(BOB);
        runnable.run();
        assertSame(ALICE, seen.get());
        assertSame(ALICE, callable.call());
        assertSame(BOB, TokenCarrier.current(), "the worker's own token is back");

        TokenCarrier.swap(null);
        runnable.run();
        assertSame(ALICE, seen.get());
        assertNull(TokenCarrier.current(), "a worker that held nothing holds nothing");
    }

    @Test
    void theWorkerGetsBackWhatItHeldWhenTheTaskThrows() {
        TokenCarrier.swap(ALICE);
        Runnable runnable = TokenTasks.forExecutor((Runnable) () -> {
            throw new IllegalStateException("boom");
        });
        Callable<String> callable = TokenTasks.forExecutor((Callable<String>) () -> {
            throw new java.io.IOException("boom");
        });
        Supplier<String> supplier = TokenTasks.forAsyncStage((Supplier<String>) () -> {
            throw new IllegalStateException("boom");
        });

        TokenCarrier.swap(BOB);
        assertThrows(IllegalStateException.class, runnable::run);
        assertSame(BOB, TokenCarrier.current());
        assertThrows(java.io.IOException.class, callable::call);
        assertSame(BOB, TokenCarrier.current());
        assertThrows(IllegalStateException.class, supplier::get);
        assertSame(BOB, TokenCarrier.current());
    }

    @Test
    void everyFunctionalShapeRunsWithTheCapturedToken() {
        TokenCarrier.swap(ALICE);
        AtomicReference<CarriedToken> seen = new AtomicReference<>();
        Supplier<CarriedToken> supplier = TokenTasks.forAsyncStage((Supplier<CarriedToken>) TokenCarrier::current);
        Function<String, CarriedToken> function = TokenTasks.forAsyncStage((Function<String, CarriedToken>) s -> TokenCarrier.current());
        Consumer<String> consumer = TokenTasks.forAsyncStage((Consumer<String>) s -> seen.set(TokenCarrier.current()));
        BiFunction<String, String, CarriedToken> biFunction = TokenTasks.forAsyncStage((BiFunction<String, String, CarriedToken>) (a, b) -> TokenCarrier.current());
        BiConsumer<String, String> biConsumer = TokenTasks.forAsyncStage((BiConsumer<String, String>) (a, b) -> seen.set(TokenCarrier.current()));
        Runnable runnable = TokenTasks.forAsyncStage(seen(seen));
        TokenCarrier.swap(null);

        assertSame(ALICE, supplier.get());
        assertSame(ALICE, function.apply("x"));
        assertSame(ALICE, biFunction.apply("x", "y"));
        consumer.accept("x");
        assertSame(ALICE, seen.getAndSet(null));
        biConsumer.accept("x", "y");
        assertSame(ALICE, seen.getAndSet(null));
        runnable.run();
        assertSame(ALICE, seen.get());
        assertNull(TokenCarrier.current());
    }

    @Test
    void invokeAllTasksAreEachWrappedInOrder() throws Exception {
        TokenCarrier.swap(ALICE);
        Collection<? extends Callable<String>> wrapped = TokenTasks.forExecutor(Arrays.<Callable<String>>asList(() -> "one", () -> "two"));
        TokenCarrier.swap(null);
        List<String> results = new ArrayList<>();
        for (Callable<String> each : wrapped) {
            assertEquals(TokenPropagatingCallable.class, each.getClass());
            results.add(each.call());
        }
        assertEquals(List.of("one", "two"), results);
    }

    @Test
    void futuresForkJoinTasksAndWrappersAreNotWrappedAgain() {
        TokenCarrier.swap(ALICE);
        FutureTask<String> future = new FutureTask<>(() -> "x");
        ForkJoinTask<?> forkJoinTask = ForkJoinTask.adapt(() -> { });
        Runnable wrapped = TokenTasks.forExecutor((Runnable) () -> { });
        Callable<String> wrappedCallable = TokenTasks.forExecutor((Callable<String>) () -> "x");

        assertSame(future, TokenTasks.forExecutor(future));
        assertSame(forkJoinTask, TokenTasks.forExecutor((Runnable) forkJoinTask));
        assertSame(wrapped, TokenTasks.forExecutor(wrapped));
        assertSame(wrappedCallable, TokenTasks.forExecutor(wrappedCallable));
        assertSame(wrapped, TokenTasks.forAsyncStage(wrapped));
    }

    @Test
    void aNewThreadWrapsApplicationRunnablesButNotTheJdksOwn() {
        TokenCarrier.swap(ALICE);
        Runnable application = () -> { };
        Runnable jdkOwn = new Thread();
        assertNotSame(application, TokenTasks.forNewThread(application));
        assertSame(jdkOwn, TokenTasks.forNewThread(jdkOwn));
        assertNull(TokenTasks.forNewThread(null));
    }

    /**
     * The platform class loader defines JDK modules too ({@code jdk.httpserver}, whose HTTP server
     * starts its dispatcher thread with a runnable of its own): such a runnable is not wrapped. Here a
     * proxy defined by that loader stands for it.
     */
    @Test
    void aNewThreadLeavesTheRunnablesOfThePlatformLoadersModulesAlone() {
        TokenCarrier.swap(ALICE);
        Runnable platformOwn = (Runnable) java.lang.reflect.Proxy.newProxyInstance(ClassLoader.getPlatformClassLoader(),
                new Class<?>[] {Runnable.class}, (proxy, method, arguments) -> null);
        assertSame(ClassLoader.getPlatformClassLoader(), platformOwn.getClass().getClassLoader());
        assertSame(platformOwn, TokenTasks.forNewThread(platformOwn));
        assertTrue(TokenTasks.isJdksOwn(null));
        assertTrue(TokenTasks.isJdksOwn(ClassLoader.getPlatformClassLoader()));
        assertFalse(TokenTasks.isJdksOwn(ClassLoader.getSystemClassLoader()));
        assertFalse(TokenTasks.isJdksOwn(TokenTasksTest.class.getClassLoader()));
    }

    @Test
    void hideLeavesNoTokenUntilUnhidden() {
        assertNull(TokenTasks.hide());
        TokenTasks.unhide(null);
        assertNull(TokenCarrier.current());

        TokenCarrier.swap(ALICE);
        CarriedToken hidden = TokenTasks.hide();
        assertNull(TokenCarrier.current());
        TokenTasks.unhide(hidden);
        assertSame(ALICE, TokenCarrier.current());
    }

    @Test
    void aWrapperNeverShowsTheToken() {
        TokenCarrier.swap(ALICE);
        Runnable runnable = new Runnable() {
            @Override
            public void run() {
            }

            @Override
            public String toString() {
                return "the task";
            }
        };
        String shown = TokenTasks.forExecutor(runnable).toString()
                + TokenTasks.forExecutor((Callable<String>) () -> "x")
                + TokenTasks.forAsyncStage((Supplier<String>) () -> "x");
        assertFalse(shown.contains(ALICE.value()), shown);
        assertEquals("the task", TokenTasks.forExecutor(runnable).toString());
    }

    private static Runnable seen(AtomicReference<CarriedToken> seen) {
        return () -> seen.set(TokenCarrier.current());
    }
}
