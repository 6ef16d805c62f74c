package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Around;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;
import net.bytebuddy.asm.Advice;
import reactor.netty.http.client.HttpClientRequest;

import java.net.URI;
import java.util.Map;

/**
 * Reactor Netty's {@code HttpClient} (1.x), and through it Spring's {@code WebClient},
 * {@code ReactorClientHttpConnector} and {@code ReactorClientHttpRequestFactory}.
 *
 * <p>Reactor Netty sends from event-loop threads, where no token is current. Subscribing creates
 * one {@code HttpClientHandler} per exchange, on the subscribing thread: the token current there is
 * captured with it. When the handler configures the first hop's connection operations, the token
 * goes along; just before that hop's headers are written (after the application's own headers
 * were applied), the hop is decided for its host with that token. Redirect hops and retried
 * connections of later hops get no token. A token captured when the application subscribes on
 * another thread is whatever is current there (usually none).
 *
 * <p>A connection pool serves and fails every caller's waiting exchanges from whichever thread
 * works on it: disposing it fails each exchange still waiting for a connection right there, on the
 * thread that disposes it; a caller whose acquire finds the pool over its pending limit fails the
 * newest waiter on its own thread ({@code pendingOffer}), which may be another caller's that queued
 * a moment later; the pool's drain loop, run by the thread that acquires or releases, fails waiters
 * over the limit and hands connections on. So each waiting exchange (the pool's {@code Borrower},
 * HTTP/1.1 and HTTP/2) remembers the token of the thread that acquires for it, and is served or
 * failed ({@code deliver}, {@code fail}) with that token current, or none: its handlers never run
 * with the token of the caller whose thread ended it. The drain loop otherwise runs with no token
 * (it also runs the application's eviction predicate and pool metrics for every caller's
 * connections). A pool that evicts idle connections in the background schedules its timer
 * ({@code scheduleEviction}) with no token too: the pool is made during its first caller's request,
 * and the timer, which reschedules itself for as long as the pool lives, would otherwise keep that
 * caller's token and run the application's eviction predicate and metrics with it. The same holds
 * for the connection provider's timer that disposes inactive pools
 * ({@code disposeInactivePoolsInBackground}, scheduled by {@code scheduleInactivePoolsDisposal}):
 * it runs the application's metrics registrar as it disposes them.
 *
 * <p>Netty's header type is seen only as {@code Iterable}, so the agent compiles without Netty.
 */
public final class ReactorNettyHttpClientInstrumentation implements AgentInstrumentation {
    private static final String HANDLER = "reactor.netty.http.client.HttpClientConnect$HttpClientHandler";
    /** The pools Reactor Netty keeps its connections in: HTTP/1.1 (reactor-pool's, shaded into its core jar) and HTTP/2. */
    private static final String[] POOLS = {"reactor.netty.internal.shaded.reactor.pool.SimpleDequePool", "reactor.netty.http.client.Http2Pool"};
    /** A caller's place in a pool's queue: made on the thread that acquires, served or failed from any. */
    private static final String[] BORROWERS = {"reactor.netty.internal.shaded.reactor.pool.AbstractPool$Borrower",
            "reactor.netty.http.client.Http2Pool$Borrower"};
    /** The connection provider that keeps a pool per remote address (its HTTP/2 one extends it). */
    private static final String PROVIDER = "reactor.netty.resources.PooledConnectionProvider";

    @Override
    public String name() {
        return "reactor-netty-http-client";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        return rules
                .type(TypeMatch.named(HANDLER).inLoadersWithAnyOf("reactor.netty.http.client.HttpClient"))
                .transform(support.advice(MethodMatch.constructors(), ReactorNettyHttpClientInstrumentation.class, "CaptureAdvice"))
                .transform(support.advice(MethodMatch.named("requestWithBody").arguments(1),
                        ReactorNettyHttpClientInstrumentation.class, "FirstHopAdvice"))
                .type(TypeMatch.named("reactor.netty.http.client.HttpClientOperations").inLoadersWithAnyOf("reactor.netty.http.client.HttpClient"))
                .transform(support.advice(MethodMatch.named("beforeMarkSentHeaders").arguments(0),
                        ReactorNettyHttpClientInstrumentation.class, "HeadersAdvice"))
                .type(TypeMatch.named(POOLS).inLoadersWithAnyOf(POOLS))
                .transform(Around.hidingToken(MethodMatch.named("drainLoop", "scheduleEviction").arguments(0)))
                .type(TypeMatch.named(BORROWERS).inLoadersWithAnyOf(POOLS))
                .transform(support.advice(MethodMatch.constructors(), ReactorNettyHttpClientInstrumentation.class, "CaptureAdvice"))
                .transform(support.advice(MethodMatch.named("deliver", "fail").arguments(1),
                        ReactorNettyHttpClientInstrumentation.class, "OwnCallerAdvice"))
                .type(TypeMatch.named(PROVIDER).inLoadersWithAnyOf(PROVIDER))
                .transform(Around.hidingToken(MethodMatch.named("scheduleInactivePoolsDisposal").arguments(0)));
    }

    public static final class CaptureAdvice {
        private CaptureAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object handler) {
            AgentBridge.captureToken(handler);
        }
    }

    /** A borrower is served or failed with the token of the caller who acquired, or none, on any thread. */
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

    public static final class FirstHopAdvice {
        private FirstHopAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object handler, @Advice.Argument(0) Object operations,
                                 @Advice.FieldValue("redirectedFrom") Object[] redirectedFrom) {
            if (redirectedFrom == null || redirectedFrom.length == 0) {
                AgentBridge.shareCapturedToken(handler, operations);
            }
        }
    }

    public static final class HeadersAdvice {
        private HeadersAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object operations,
                                @Advice.FieldValue("requestHeaders") Iterable<?> headers,
                                @Advice.FieldValue("resourceUrl") String resourceUrl) {
            CarriedToken token = AgentBridge.takeCapturedToken(operations);
            if (token == null || resourceUrl == null) {
                return;
            }
            String name = AgentBridge.outboundHeader();
            boolean present = false;
            for (Object header : headers) {
                if (name.equalsIgnoreCase(String.valueOf(((Map.Entry<?, ?>) header).getKey()))) {
                    present = true;
                    break;
                }
            }
            URI uri = URI.create(resourceUrl);
            String value = AgentBridge.outboundValueFor(token, uri.getScheme(), uri.getHost(), uri.getPort(), present);
            if (value != null) {
                ((HttpClientRequest) operations).header(name, value);
            }
        }
    }
}
