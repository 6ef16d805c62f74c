package dev.jwtagent.bench;

import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.ForkedTasks;
import dev.jwtagent.bootstrap.RequestScope;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.bootstrap.TokenTasks;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Capture and restore of the current token: what a task wrapper does (swap in, put back), what
 * the servlet advice does per request (scope open and close), and the executor hand-off itself
 * (capture into a wrapper and run it; with no token current, the check alone). The baseline is a
 * bare ThreadLocal set and remove.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class CarrierBenchmark extends BenchmarkDefaults {
    private static final ThreadLocal<Object> BARE = new ThreadLocal<>();

    private CarriedToken token;
    private final Object request = new Object();
    private final Runnable task = () -> { };

    /** Makes a token current on the benchmark thread for the whole trial. */
    @State(Scope.Thread)
    public static class TokenCurrent {
        private CarriedToken previous;

        @Setup
        public void setUp() {
            previous = TokenCarrier.swap(new CarriedToken("header.payload.signature", Long.MAX_VALUE, "sha256:000000000000"));
        }

        @TearDown
        public void tearDown() {
            TokenCarrier.restore(previous);
        }
    }

    @Setup
    public void setUp() {
        token = new CarriedToken("header.payload.signature", Long.MAX_VALUE, "sha256:000000000000");
    }

    @Benchmark
    public Object baselineThreadLocalSetRemove() {
        Object previous = BARE.get();
        BARE.set(token);
        Object seen = BARE.get();
        BARE.remove();
        return previous == null ? seen : previous;
    }

    @Benchmark
    public CarriedToken swapAndRestore() {
        CarriedToken previous = TokenCarrier.swap(token);
        CarriedToken seen = TokenCarrier.current();
        TokenCarrier.restore(previous);
        return seen;
    }

    @Benchmark
    public CarriedToken requestScopeOpenClose() {
        RequestScope scope = RequestScope.open(request, token);
        CarriedToken seen = TokenCarrier.current();
        scope.close();
        return seen;
    }

    @Benchmark
    public Runnable handOffNoToken() {
        return TokenTasks.forExecutor(task);
    }

    /** A {@code ForkJoinTask} forked and run with a token current: its entry put beside it, taken as it runs, the token shown and put back. */
    @Benchmark
    public Object forkJoinTaskForkedAndRunWithToken(TokenCurrent current) {
        Object forked = new Object();
        ForkedTasks.handedOver(forked);
        Object state = ForkedTasks.running(forked);
        ForkedTasks.ran(state);
        return state;
    }

    /** A {@code ForkJoinTask} forked and run with no token current, while no task waits with one: the checks alone. */
    @Benchmark
    public Object forkJoinTaskForkedAndRunNoToken() {
        ForkedTasks.handedOver(task);
        Object state = ForkedTasks.running(task);
        ForkedTasks.ran(state);
        return state;
    }

    @Benchmark
    public Runnable handOffAndRunWithToken(TokenCurrent current) {
        Runnable wrapped = TokenTasks.forExecutor(task);
        wrapped.run();
        return wrapped;
    }
}
