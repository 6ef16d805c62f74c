package dev.jwtagent.bench;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.TokenCarrier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.Collections;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@code ThreadPoolExecutor.execute} throughput: batches of small tasks handed to a one-thread pool
 * and waited for, with no token current and with a token current (which the agent's executor
 * instrumentation captures and restores around each task). The same benchmarks run in a plain JVM
 * ({@link Plain}) and in one started with {@code -javaagent} ({@link WithAgent}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
public abstract class ExecutorBenchmark extends BenchmarkDefaults {
    static final int BATCH = 1000;

    private ThreadPoolExecutor executor;
    private CarriedToken token;

    @Setup(Level.Trial)
    public void setUp() {
        executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        executor.prestartAllCoreThreads();
        token = new CarriedToken("header.payload.signature", Long.MAX_VALUE, "sha256:000000000000");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void executeNoToken() throws InterruptedException {
        runBatch();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void executeTokenCurrent() throws InterruptedException {
        CarriedToken previous = TokenCarrier.swap(token);
        try {
            runBatch();
        } finally {
            TokenCarrier.restore(previous);
        }
    }

    private void runBatch() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(BATCH);
        Runnable task = done::countDown;
        for (int i = 0; i < BATCH; i++) {
            executor.execute(task);
        }
        done.await();
    }

    /** A JVM without the agent. */
    @Fork(3)
    public static class Plain extends ExecutorBenchmark {
    }

    /** A JVM started with the agent jar as {@code -javaagent} (HMAC key source, no other settings). */
    @Fork(value = 3, jvmArgsAppend = {"-javaagent:" + AgentJar.PATH,
            "-Djwt.agent.secret=benchmark-secret-of-at-least-32-bytes-0123456789", "-Djwt.agent.log.level=warn"})
    public static class WithAgent extends ExecutorBenchmark {
        /**
         * The agent instruments the JDK's executors on the first inbound request (no token exists
         * before one): stand in for that request, with no token, as a servlet's advice would.
         */
        @Setup(Level.Trial)
        public void firstInboundRequest() {
            AgentBridge.decideInbound(Collections.emptyEnumeration(), "/", null, null);
        }
    }
}
