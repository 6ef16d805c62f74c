package example.jwtagent.it;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * How a test service hands its downstream call to other threads, by name. {@code direct} calls
 * on the request thread. The pools are shared, of two threads each, and made the first time a
 * request uses them: their threads are created during requests, and reused by the next ones.
 */
public final class Handoffs {
    /** Every hand-off; {@link #available} tells which this JVM has. */
    public static final List<String> NAMES = Collections.unmodifiableList(Arrays.asList(
            "direct", "executor-execute", "executor-submit", "executor-own-factory", "invoke-all", "invoke-any", "scheduled",
            "fork-join-common", "fork-join-pool", "fork-join-invoke-all", "fork-join-timeout-action", "fork-join-fork",
            "fork-join-pool-task", "parallel-stream", "cf-supply-async",
            "cf-run-async-executor", "cf-then-apply-async", "cf-delayed-executor", "new-thread", "virtual-thread", "virtual-executor"));

    private static final int THREADS = 2;

    private Handoffs() {
    }

    /** Whether this Java has the hand-off: virtual threads need 21, {@code submitWithTimeout} 25. */
    public static boolean available(String via) {
        int feature = Runtime.version().feature();
        return via.equals("fork-join-timeout-action") ? feature >= 25 : !via.startsWith("virtual-") || feature >= 21;
    }

    public static int run(String via, Callable<Integer> call) throws Exception {
        return run(via, 0, call);
    }

    /**
     * Runs {@code call} on the hand-off {@code via} and waits for it. {@code delayMillis} is the
     * schedule delay for {@code scheduled}, and a pause before the call for every other hand-off.
     */
    public static int run(String via, long delayMillis, Callable<Integer> call) throws Exception {
        String name = via == null ? "direct" : via;
        if (name.equals("scheduled")) {
            return unwrap(() -> Scheduler.POOL.schedule(call, delayMillis, TimeUnit.MILLISECONDS).get());
        }
        Callable<Integer> task = delayMillis <= 0 ? call : () -> {
            Thread.sleep(delayMillis);
            return call.call();
        };
        switch (name) {
            case "direct":
                return task.call();
            case "executor-execute":
                return unwrap(() -> {
                    CompletableFuture<Integer> result = new CompletableFuture<>();
                    Executor.POOL.execute(() -> complete(result, task));
                    return result.get();
                });
            case "executor-submit":
                return unwrap(() -> Executor.POOL.submit(task).get());
            case "executor-own-factory":
                return unwrap(() -> OwnFactoryExecutor.POOL.submit(task).get());
            case "invoke-all":
                return unwrap(() -> Executor.POOL.invokeAll(Collections.singletonList(task)).get(0).get());
            case "invoke-any":
                return unwrap(() -> Executor.POOL.invokeAny(Collections.singletonList(task)));
            case "fork-join-common":
                return unwrap(() -> ForkJoinPool.commonPool().submit(task).get());
            case "fork-join-pool":
                return unwrap(() -> ForkJoin.POOL.submit(task).get());
            case "fork-join-timeout-action":
                return unwrap(() -> ForkJoin.callAsTimeoutAction(task));
            case "fork-join-fork":
                return unwrap(() -> ForkJoin.forkOntoTheCommonPool(task));
            case "fork-join-pool-task":
                return unwrap(() -> ForkJoin.POOL.submit(ForkJoinTask.adapt(task)).get());
            case "parallel-stream":
                return unwrap(() -> ForkJoin.callFromAParallelStream(task));
            case "fork-join-invoke-all":
                return unwrap(() -> ForkJoin.POOL.invokeAll(Collections.singletonList(task)).get(0).get());
            case "cf-supply-async":
                return unwrap(() -> CompletableFuture.supplyAsync(() -> callUnchecked(task)).get());
            case "cf-run-async-executor":
                return unwrap(() -> {
                    int[] status = new int[1];
                    CompletableFuture.runAsync(() -> status[0] = callUnchecked(task), Executor.POOL).get();
                    return status[0];
                });
            case "cf-then-apply-async":
                return unwrap(() -> CompletableFuture.supplyAsync(() -> 0, Executor.POOL)
                        .thenApplyAsync(ignored -> callUnchecked(task)).get());
            case "cf-delayed-executor":
                return unwrap(() -> {
                    CompletableFuture<Integer> result = new CompletableFuture<>();
                    CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS).execute(() -> complete(result, task));
                    return result.get();
                });
            case "new-thread":
                return unwrap(() -> {
                    CompletableFuture<Integer> result = new CompletableFuture<>();
                    Thread thread = new Thread(() -> complete(result, task), "handoff-new-thread");
                    thread.start();
                    thread.join();
                    return result.get();
                });
            case "virtual-thread":
                return unwrap(() -> {
                    CompletableFuture<Integer> result = new CompletableFuture<>();
                    Thread thread = Virtual.start(() -> complete(result, task));
                    thread.join();
                    return result.get();
                });
            case "virtual-executor":
                return unwrap(() -> VirtualExecutor.POOL.submit(task).get());
            // Not in NAMES: a preview API, which needs a JVM started with --enable-preview (StructuredTaskScopeTest).
            case "structured-task-scope":
                return unwrap(() -> Structured.fork(task));
            // Loops, not in NAMES: a task handed to them carries no token, and their thread must hold none.
            case "own-loop":
                return unwrap(() -> OwnLoop.INSTANCE.submit(task));
            case "netty-loop":
                return unwrap(() -> NettyLoop.LOOP.submit(task).get());
            // A future shared between requests: one registers the call as a plain (not *Async) stage and
            // answers at once, with 200 and no call made; a later one completes the future, which runs
            // that stage on its own thread, and answers with the stage's status.
            case "cf-shared-register":
                SharedFuture.register(task);
                return 200;
            case "cf-shared-complete":
                return unwrap(SharedFuture::completeAndWait);
            // Not in NAMES: one request leaves work queued on the common pool and answers 200 at once; a
            // later one waits on the pool, which runs that work on its thread (CommonPoolHelpers).
            case "cf-help-register":
                CommonPoolHelpers.registerAsyncStage(task);
                return 200;
            case "cf-help-complete":
                return unwrap(CommonPoolHelpers::completeOnAWorkerAndJoin);
            case "fj-quiesce-background":
                CommonPoolHelpers.queueBehindHeldWorkers(task);
                return 200;
            case "fj-quiesce":
                return CommonPoolHelpers.awaitQuiescence();
            case "fj-await-termination":
                return CommonPoolHelpers.awaitTermination();
            case "fj-join-register":
                CommonPoolHelpers.registerStageOnTwoWorkers(task);
                return 200;
            case "fj-join-complete":
                return unwrap(CommonPoolHelpers::forkCompleteAndJoin);
            case "fj-own-subtask":
                return unwrap(() -> CommonPoolHelpers.forkAndJoinOwnSubtask(task));
            case "fj-request-thread-join":
                return unwrap(() -> CommonPoolHelpers.forkOnTheCommonPoolAndJoinOnTheRequestThread(task));
            case "fj-unfork-own":
                return unwrap(() -> CommonPoolHelpers.forkTakeBackAndCompute(task));
            case "fj-reuse-invoke":
                return unwrap(CommonPoolHelpers::invokeKeptTask);
            // Not in NAMES: the call is made on the request's thread, which also starts, the first
            // time, a JDK HTTP server of the application's (JdkHttpServerStartedDuringARequestTest).
            case "jdk-http-server":
                JdkHttpServer.start();
                return task.call();
            // Not in NAMES: a priority pool's task carries no token (its queue compares tasks).
            case "priority-pool":
                return unwrap(() -> PriorityPool.run(task));
            // Not in NAMES: an executor of the application's own that starts its one worker on its first
            // task, with new Thread, or as a drain loop given to a pool (OwnExecutorStartedDuringARequestTest).
            case "own-thread-execute":
                return unwrap(() -> LazyWorkerExecutor.ON_A_THREAD.callThroughExecute(task));
            case "own-thread-submit":
                return unwrap(() -> LazyWorkerExecutor.ON_A_THREAD.submit(task).get());
            case "own-pool-execute":
                return unwrap(() -> LazyWorkerExecutor.ON_A_POOL.callThroughExecute(task));
            case "own-pool-submit":
                return unwrap(() -> LazyWorkerExecutor.ON_A_POOL.submit(task).get());
            // Not in NAMES: a thread made in one request and started in a later one (ThreadStartedInAnotherRequestTest).
            case "kept-thread-make":
                KeptThread.make(task);
                return 200;
            case "kept-thread-start":
                return unwrap(KeptThread::startAndWait);
            // Not in NAMES: the call is made by a shutdown hook made here, when the JVM exits (ShutdownHookTest).
            case "shutdown-hook":
                Thread hook = new Thread(() -> callUnchecked(task), "handoff-shutdown-hook");
                // Not the request's: the web application's loader is stopped by the time the hook runs.
                hook.setContextClassLoader(ClassLoader.getSystemClassLoader());
                Runtime.getRuntime().addShutdownHook(hook);
                return 200;
            default:
                throw new IllegalArgumentException("no hand-off named " + via);
        }
    }

    private static void complete(CompletableFuture<Integer> result, Callable<Integer> task) {
        try {
            result.complete(task.call());
        } catch (Throwable e) {
            result.completeExceptionally(e);
        }
    }

    static int callUnchecked(Callable<Integer> task) {
        try {
            return task.call();
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    /** The exception of the call itself rather than the hand-off's wrapper around it. */
    private static int unwrap(Callable<Integer> handOff) throws Exception {
        try {
            return handOff.call();
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            throw e;
        }
    }

    private static final class Executor {
        static final ExecutorService POOL = new ThreadPoolExecutor(THREADS, THREADS, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
    }

    /** A pool whose threads run the pool's worker inside a runnable of the application's own. */
    private static final class OwnFactoryExecutor {
        static final ExecutorService POOL = new ThreadPoolExecutor(THREADS, THREADS, 1, TimeUnit.MINUTES,
                new LinkedBlockingQueue<>(), new WrappingThreadFactory());
    }

    static final class WrappingThreadFactory implements ThreadFactory {
        @Override
        public Thread newThread(Runnable worker) {
            return new Thread(() -> worker.run(), "handoff-own-factory");
        }
    }

    /**
     * One thread that runs every task given to it, made by a factory whose name does not say what it
     * is, and started by the first task (during a request, when that one carries a token).
     */
    static final class OwnLoop {
        static final OwnLoop INSTANCE = new OwnLoop();
        private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
        private final LoopStarter starter = new LoopStarter();
        private Thread thread;

        int submit(Callable<Integer> task) throws Exception {
            synchronized (this) {
                if (thread == null) {
                    thread = starter.newThread(this::runTasks);
                    thread.setDaemon(true);
                    thread.start();
                }
            }
            CompletableFuture<Integer> result = new CompletableFuture<>();
            tasks.add(() -> complete(result, task));
            return result.get();
        }

        private void runTasks() {
            try {
                while (true) {
                    tasks.take().run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static final class LoopStarter implements ThreadFactory {
        @Override
        public Thread newThread(Runnable loop) {
            return new Thread(loop, "handoff-own-loop");
        }
    }

    /**
     * A Netty event loop, whose thread Netty starts with the first task through its
     * {@code ThreadPerTaskExecutor}; the factory is a lambda, which no agent can rewrite.
     */
    private static final class NettyLoop {
        static final io.netty.channel.DefaultEventLoop LOOP = new io.netty.channel.DefaultEventLoop(
                new io.netty.util.concurrent.ThreadPerTaskExecutor(loop -> {
                    Thread thread = new Thread(loop, "handoff-netty-loop");
                    thread.setDaemon(true);
                    return thread;
                }));
    }

    /**
     * A {@code com.sun.net.httpserver.HttpServer} the application starts lazily, in the first request
     * that needs it (a callback or admin endpoint), with the JDK's default executor: its dispatcher
     * thread runs every exchange. {@code /relay?url=U} calls U through {@code HttpURLConnection}.
     */
    static final class JdkHttpServer {
        private static com.sun.net.httpserver.HttpServer server;

        static synchronized void start() throws java.io.IOException {
            if (server != null) {
                return;
            }
            server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/relay", exchange -> {
                String query = exchange.getRequestURI().getRawQuery();
                String url = java.net.URLDecoder.decode(query.substring(query.indexOf("url=") + 4), java.nio.charset.StandardCharsets.UTF_8);
                int status = 200;
                try {
                    DownstreamClients.urlConnection(url, null);
                } catch (java.io.IOException e) {
                    status = 502;
                }
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }

        /** The server's address, once started. */
        static synchronized String baseUrl() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        static synchronized void stop() {
            if (server != null) {
                server.stop(0);
                server = null;
            }
        }
    }

    /** For {@code cf-shared-register} and {@code cf-shared-complete}: one pending future at a time. */
    private static final class SharedFuture {
        private static CompletableFuture<Integer> source;
        private static CompletableFuture<Integer> dependent;

        static synchronized void register(Callable<Integer> task) {
            source = new CompletableFuture<>();
            dependent = source.thenApply(ignored -> callUnchecked(task));
        }

        static int completeAndWait() throws Exception {
            CompletableFuture<Integer> registered;
            synchronized (SharedFuture.class) {
                source.complete(0);
                registered = dependent;
            }
            return registered.get();
        }
    }

    /**
     * A pool of one thread whose queue orders its tasks by a comparator that casts them to its own
     * type, as priority executors do. The call is queued behind a task that holds the thread, next
     * to another task, so that the queue compares them.
     */
    /**
     * An executor of the application's own, as one is often written: {@code submit} from
     * {@code AbstractExecutorService}, and one worker, started by the first {@code execute} (with
     * {@code new Thread}, or as a drain loop handed to a pool), that runs the queued tasks.
     */
    /** A thread made during one request and kept, not started, for a later request to start. */
    static final class KeptThread {
        private static volatile Thread thread;
        private static volatile CompletableFuture<Integer> result;

        static void make(Callable<Integer> task) {
            CompletableFuture<Integer> made = new CompletableFuture<>();
            result = made;
            thread = new Thread(() -> complete(made, task), "handoff-kept-thread");
        }

        static int startAndWait() throws Exception {
            Thread kept = thread;
            kept.start();
            kept.join();
            return result.get();
        }
    }

    static final class LazyWorkerExecutor extends java.util.concurrent.AbstractExecutorService {
        static final LazyWorkerExecutor ON_A_THREAD = new LazyWorkerExecutor(null);
        static final LazyWorkerExecutor ON_A_POOL = new LazyWorkerExecutor(new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES,
                new LinkedBlockingQueue<>()));
        private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
        private final ExecutorService pool;
        private boolean started;

        private LazyWorkerExecutor(ExecutorService pool) {
            this.pool = pool;
        }

        @Override
        public void execute(Runnable task) {
            queue.add(task);
            synchronized (this) {
                if (started) {
                    return;
                }
                started = true;
            }
            if (pool == null) {
                Thread worker = new Thread(this::drain, "handoff-own-worker");
                worker.setDaemon(true);
                worker.start();
            } else {
                pool.submit(this::drain);
            }
        }

        int callThroughExecute(Callable<Integer> task) throws Exception {
            CompletableFuture<Integer> result = new CompletableFuture<>();
            execute(() -> complete(result, task));
            return result.get();
        }

        private void drain() {
            try {
                while (true) {
                    queue.take().run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return Collections.emptyList();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
        }
    }

    private static final class PriorityPool {
        private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES,
                new java.util.concurrent.PriorityBlockingQueue<>(11,
                        (a, b) -> Integer.compare(((Prioritised) a).priority, ((Prioritised) b).priority)));

        static synchronized int run(Callable<Integer> task) throws Exception {
            java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
            CompletableFuture<Integer> result = new CompletableFuture<>();
            POOL.execute(new Prioritised(0, () -> awaitUninterruptibly(hold)));
            POOL.execute(new Prioritised(2, () -> { }));
            POOL.execute(new Prioritised(1, () -> complete(result, task)));
            hold.countDown();
            return result.get();
        }

        private static void awaitUninterruptibly(java.util.concurrent.CountDownLatch latch) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A priority pool's task. */
    static final class Prioritised implements Runnable {
        final int priority;
        private final Runnable work;

        Prioritised(int priority, Runnable work) {
            this.priority = priority;
            this.work = work;
        }

        @Override
        public void run() {
            work.run();
        }
    }

    private static final class Scheduler {
        static final ScheduledExecutorService POOL = new ScheduledThreadPoolExecutor(THREADS);
    }

    private static final class ForkJoin {
        static final ForkJoinPool POOL = new ForkJoinPool(THREADS);

        /**
         * {@code fork-join-fork}: the request's thread forks a task that calls onto the common pool, and
         * waits until a worker has started it before joining, so that the worker, not the joiner, runs it.
         */
        static int forkOntoTheCommonPool(Callable<Integer> call) throws Exception {
            CountDownLatch started = new CountDownLatch(1);
            ForkJoinTask<Integer> forked = ForkJoinTask.adapt(() -> {
                started.countDown();
                return call.call();
            });
            forked.fork();
            if (!started.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no common-pool worker ran the forked task");
            }
            return forked.get();
        }

        /**
         * {@code parallel-stream}: a parallel stream of two elements; the one a common-pool worker
         * takes makes the call, while the request's thread, on the other, waits for it.
         */
        static int callFromAParallelStream(Callable<Integer> call) throws Exception {
            Thread caller = Thread.currentThread();
            CountDownLatch called = new CountDownLatch(1);
            AtomicBoolean taken = new AtomicBoolean();
            AtomicReference<Object> outcome = new AtomicReference<>();
            IntStream.range(0, 2).parallel().forEach(element -> {
                if (Thread.currentThread() == caller) {
                    try {
                        called.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                } else if (taken.compareAndSet(false, true)) {
                    try {
                        outcome.set(call.call());
                    } catch (Exception e) {
                        outcome.set(e);
                    } finally {
                        called.countDown();
                    }
                }
            });
            Object result = outcome.get();
            if (result instanceof Exception) {
                throw (Exception) result;
            }
            if (result == null) {
                throw new IllegalStateException("no element of the stream ran on a common-pool worker");
            }
            return (Integer) result;
        }

        /**
         * Java 25's {@code submitWithTimeout}: a task that waits for its timeout action, which makes
         * the call on the pool's delay scheduler thread. Called by reflection: the tests compile for 17.
         */
        static int callAsTimeoutAction(Callable<Integer> call) throws Exception {
            CompletableFuture<Integer> result = new CompletableFuture<>();
            java.util.concurrent.CountDownLatch acted = new java.util.concurrent.CountDownLatch(1);
            Callable<Integer> waiting = () -> acted.await(10, TimeUnit.SECONDS) ? 0 : -1;
            java.util.function.Consumer<Object> action = timedOut -> {
                complete(result, call);
                acted.countDown();
            };
            Method submit = ForkJoinPool.class.getMethod("submitWithTimeout", Callable.class, long.class, TimeUnit.class,
                    java.util.function.Consumer.class);
            try {
                submit.invoke(POOL, waiting, 1L, TimeUnit.MILLISECONDS, action);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
            }
            return result.get();
        }
    }

    /**
     * Java 25's structured concurrency (a preview API), through reflection: {@code try (var scope =
     * StructuredTaskScope.open()) { var subtask = scope.fork(task); scope.join(); return subtask.get(); }}.
     */
    private static final class Structured {
        static int fork(Callable<Integer> task) throws Exception {
            Class<?> scopeType = Class.forName("java.util.concurrent.StructuredTaskScope");
            Class<?> subtaskType = Class.forName("java.util.concurrent.StructuredTaskScope$Subtask");
            try (AutoCloseable scope = (AutoCloseable) scopeType.getMethod("open").invoke(null)) {
                Object subtask = scopeType.getMethod("fork", Callable.class).invoke(scope, task);
                scopeType.getMethod("join").invoke(scope);
                return (Integer) subtaskType.getMethod("get").invoke(subtask);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
            }
        }
    }

    /** A new {@code Executors.newVirtualThreadPerTaskExecutor()}, through reflection: these sources compile for Java 17. */
    static ExecutorService newVirtualThreadPerTaskExecutor() {
        return (ExecutorService) Virtual.invoke(Virtual.method(java.util.concurrent.Executors.class, "newVirtualThreadPerTaskExecutor"), null);
    }

    /** The shared one, for the {@code virtual-executor} hand-off. */
    private static final class VirtualExecutor {
        static final ExecutorService POOL = newVirtualThreadPerTaskExecutor();
    }

    /** {@code Thread.ofVirtual().start(task)}, through reflection. */
    private static final class Virtual {
        private static final Method OF_VIRTUAL = method(Thread.class, "ofVirtual");
        private static final Method START = method(builderType(), "start", Runnable.class);

        static Thread start(Runnable task) {
            return (Thread) invoke(START, invoke(OF_VIRTUAL, null), task);
        }

        private static Class<?> builderType() {
            try {
                return Class.forName("java.lang.Thread$Builder");
            } catch (ClassNotFoundException e) {
                throw new UnsupportedOperationException("virtual threads need Java 21", e);
            }
        }

        static Method method(Class<?> type, String name, Class<?>... parameters) {
            try {
                return type.getMethod(name, parameters);
            } catch (NoSuchMethodException e) {
                throw new UnsupportedOperationException("virtual threads need Java 21", e);
            }
        }

        static Object invoke(Method method, Object target, Object... arguments) {
            try {
                return method.invoke(target, arguments);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
    }
}
