package dev.jwtagent.bench;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.TokenCarrier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What an asynchronous client's request costs the agent's table of captured tokens: the calling
 * thread captures its token with the request, the sending thread looks it up (Jetty 12 does this
 * for every request it sends) and takes it. Every client in the JVM shares the table, so it is
 * measured from one thread and from four at once (on a machine of fewer cores, four threads
 * contend for it as a busy service's callers and I/O threads do). The baseline is the same three
 * steps on a plain concurrent map, with no agent code.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class CapturedTokenBenchmark extends BenchmarkDefaults {
    private final Map<Object, Object> plain = new ConcurrentHashMap<>();

    /** A token current on each benchmark thread for the whole trial, as on a request's thread. */
    @State(Scope.Thread)
    public static class TokenCurrent {
        CarriedToken token;
        private CarriedToken previous;

        @Setup
        public void setUp() {
            token = new CarriedToken("header.payload.signature", Long.MAX_VALUE, "sha256:000000000000");
            previous = TokenCarrier.swap(token);
        }

        @TearDown
        public void tearDown() {
            TokenCarrier.restore(previous);
        }
    }

    @Benchmark
    public CarriedToken captureSendTake(TokenCurrent current) {
        return captureSendTake();
    }

    @Benchmark
    @Threads(4)
    public CarriedToken captureSendTakeFourThreads(TokenCurrent current) {
        return captureSendTake();
    }

    @Benchmark
    @Threads(4)
    public Object baselinePlainMapFourThreads(TokenCurrent current) {
        Object request = new Object();
        plain.put(request, current.token);
        Object seen = plain.get(request);
        plain.remove(request);
        return seen;
    }

    private static CarriedToken captureSendTake() {
        Object request = new Object();
        AgentBridge.captureToken(request);
        Object replaced = AgentBridge.swapInCapturedKept(request);
        AgentBridge.restoreAfterCaptured(replaced);
        return AgentBridge.takeCapturedToken(request);
    }
}
