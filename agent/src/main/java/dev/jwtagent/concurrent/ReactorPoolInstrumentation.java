package dev.jwtagent.concurrent;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Around;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;
import net.bytebuddy.asm.Advice;

/**
 * Reactor's pools: reactor-pool's {@code SimpleDequePool} (what r2dbc-pool keeps database
 * connections in), the copy of it inside Reactor Netty's core jar (its HTTP/1.1 connections), and
 * Reactor Netty's {@code Http2Pool}.
 *
 * <p>A pool serves and fails every caller's waiting acquires from whichever thread works on it: the
 * caller that releases a resource hands it to the next waiter right there, and so runs that
 * waiter's continuation; disposing a pool fails every waiter on the disposing thread; a caller
 * whose acquire finds the pool over its pending limit fails the newest waiter on its own thread
 * ({@code pendingOffer}), which may be another caller's that queued a moment later. So each waiter
 * (the pool's {@code Borrower}) remembers the token of the thread that acquires, and is served or
 * failed ({@code deliver}, {@code fail}) with that token current, or none: its continuation and
 * error handler never run with the token of the caller whose thread served or ended it.
 *
 * <p>The pool's drain loop, run by whichever thread acquires or releases, otherwise runs with no
 * token: it also runs the application's eviction predicate and pool metrics for every caller's
 * resources. So does the scheduling of a pool's background eviction timer ({@code
 * scheduleEviction}): a pool is usually made during its first caller's request, and the timer,
 * which reschedules itself for as long as the pool lives, would otherwise keep that caller's token.
 */
public final class ReactorPoolInstrumentation implements AgentInstrumentation {
    private static final String[] POOLS = {"reactor.pool.SimpleDequePool",
            "reactor.netty.internal.shaded.reactor.pool.SimpleDequePool", "reactor.netty.http.client.Http2Pool"};
    /** A caller's place in a pool's queue: made on the thread that acquires, served or failed from any. */
    private static final String[] BORROWERS = {"reactor.pool.AbstractPool$Borrower",
            "reactor.netty.internal.shaded.reactor.pool.AbstractPool$Borrower", "reactor.netty.http.client.Http2Pool$Borrower"};

    @Override
    public String name() {
        return "reactor-pool";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        return rules
                .type(TypeMatch.named(BORROWERS).inLoadersWithAnyOf(POOLS))
                .transform(support.advice(MethodMatch.constructors(), ReactorPoolInstrumentation.class, "CaptureAdvice"))
                .transform(support.advice(MethodMatch.named("deliver", "fail").arguments(1),
                        ReactorPoolInstrumentation.class, "OwnCallerAdvice"))
                .type(TypeMatch.named(POOLS).inLoadersWithAnyOf(POOLS))
                .transform(Around.hidingToken(MethodMatch.named("drainLoop", "scheduleEviction").arguments(0)));
    }

    public static final class CaptureAdvice {
        private CaptureAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object borrower) {
            AgentBridge.captureToken(borrower);
        }
    }

    /** A waiter is served or failed with the token of the caller who acquired, or none, on any thread. */
    public static final class OwnCallerAdvice {
        private OwnCallerAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter(@Advice.This Object borrower) {
            return AgentBridge.swapInCaptured(borrower);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Object replaced) {
            AgentBridge.restoreAfterCaptured(replaced);
        }
    }
}
