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
 * (the pool's {@code Borrower}) remembers the token of the thread that acquires, and is failed
 * ({@code fail}) with that token current, or none: its error handler never runs with the token of
 * the caller whose thread ended it. reactor-pool's waiters are served ({@code deliver}) the same
 * way: the continuation is the application's work for that caller. Reactor Netty's are served
 * where its pools serve them, in the drain loop or on the connection's event loop, with no token:
 * serving one opens a stream or writes a request on a connection other callers may share, whose
 * failure ends their exchanges right there, and the request's header is decided with the token
 * captured when the exchange was subscribed anyway.
 *
 * <p>The pool's drain loop, run by whichever thread acquires or releases, otherwise runs with no
 * token: it also runs the application's eviction predicate and pool metrics for every caller's
 * resources. So does the scheduling of a pool's background eviction timer ({@code
 * scheduleEviction}): a pool is usually made during its first caller's request, and the timer,
 * which reschedules itself for as long as the pool lives, would otherwise keep that caller's token.
 * The rest of a disposal (destroying the idle resources with the application's handlers and
 * metrics) is the disposing caller's own work, and runs with its token.
 */
public final class ReactorPoolInstrumentation implements AgentInstrumentation {
    private static final String REACTOR_POOL = "reactor.pool.SimpleDequePool";
    private static final String[] REACTOR_NETTY_POOLS = {"reactor.netty.internal.shaded.reactor.pool.SimpleDequePool",
            "reactor.netty.http.client.Http2Pool"};
    /** A caller's place in a pool's queue: made on the thread that acquires, served or failed from any. */
    private static final String REACTOR_POOL_BORROWER = "reactor.pool.AbstractPool$Borrower";
    private static final String[] REACTOR_NETTY_BORROWERS = {"reactor.netty.internal.shaded.reactor.pool.AbstractPool$Borrower",
            "reactor.netty.http.client.Http2Pool$Borrower"};
    private static final String[] POOLS = {REACTOR_POOL, REACTOR_NETTY_POOLS[0], REACTOR_NETTY_POOLS[1]};

    @Override
    public String name() {
        return "reactor-pool";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        return rules
                .type(TypeMatch.named(REACTOR_POOL_BORROWER).inLoadersWithAnyOf(REACTOR_POOL))
                .transform(support.advice(MethodMatch.constructors(), ReactorPoolInstrumentation.class, "CaptureAdvice"))
                .transform(support.advice(MethodMatch.named("deliver", "fail").arguments(1),
                        ReactorPoolInstrumentation.class, "OwnCallerAdvice"))
                .type(TypeMatch.named(REACTOR_NETTY_BORROWERS).inLoadersWithAnyOf(REACTOR_NETTY_POOLS))
                .transform(support.advice(MethodMatch.constructors(), ReactorPoolInstrumentation.class, "CaptureAdvice"))
                .transform(support.advice(MethodMatch.named("fail").arguments(1), ReactorPoolInstrumentation.class, "OwnCallerAdvice"))
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
