package example.jwtagent.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exchanges waiting on a shared client, ended by another caller's request, from requests to
 * Tomcat 11 in this JVM. One client shared by every caller: alice's exchange holds the only
 * connection (the downstream holds the body back), carol's and a tokenless caller's wait for it.
 * Each exchange's failure handler calls an allowed downstream. Then bob's request ends them.
 *
 * <p>Reactor Netty: bob disposes the pool, which fails the waiting exchanges right there, on bob's
 * thread (alice's goes on). Each error handler's call carries the token of the caller who
 * subscribed, or none, never bob's. Before the pool's disposal ran with no token, both carried
 * bob's; until each waiter was failed with its own caller's token, both carried none.
 *
 * <p>OkHttp: bob cancels every call of the client's dispatcher. Each callback's call then carries
 * the token of the caller who enqueued it, or none, never bob's.
 */
class WaitingExchangesEndedByAnotherCallerTest extends CallersOfASharedClientTest {
    @Override
    TestServer startService() throws Exception {
        return new TomcatJakartaServer(2);
    }

    /** A test that failed before bob's request ended its exchanges leaves its client to no other test. */
    @AfterEach
    void forgetSharedClients() {
        ReactorWaitingExchanges.forgetTheSharedPool();
        ReactorPendingLimit.forgetTheSharedPool();
        ReactorObjectPool.forget();
        ReactorEvictionTimer.forgetThePool();
        ReactorInactivePools.forgetTheProvider();
        OkHttpWaitingCalls.forgetTheSharedClient();
    }

    /** {@code dispose()}, and the blocking {@code disposeLater().block()}. */
    @ParameterizedTest
    @ValueSource(strings = {"reactor-dispose-of-the-waiting-then-call", "reactor-blocking-dispose-of-the-waiting-then-call"})
    void reactorNettyPoolDisposedByAnotherCallerFailsTheWaitingExchangesWithTheirOwnCallersTokens(String dispose) throws Exception {
        String carol = Tokens.valid("carol");
        holdOneAndWaitTwo("reactor-waiting-then-call-on-error", ReactorWaitingExchanges::waiting, Tokens.valid("alice"), carol);
        String bob = Tokens.valid("bob");
        ClientContractTest.call(service, dispose, downstream.allowedUrl("/bob"), bob, null);
        assertEquals(sorted("/after-failure " + List.of("Bearer " + carol), "/after-failure " + List.of(), "/bob " + List.of("Bearer " + bob)),
                arrived(3));
    }

    /**
     * Over HTTP/2 (h2c with prior knowledge), whose pool Reactor Netty keeps apart: alice's exchange
     * opens the one connection, to a downstream that never answers the handshake, and carol's and
     * the tokenless caller's wait for it to be ready. Once the downstream closes, alice's exchange
     * fails too, on Netty's thread, with her token.
     */
    @Test
    void reactorNettyHttp2PoolDisposedByAnotherCallerFailsTheWaitingExchangesWithTheirOwnCallersTokens() throws Exception {
        String bob = Tokens.valid("bob");
        String alice = Tokens.valid("alice");
        String carol = Tokens.valid("carol");
        try (SilentDownstream silent = new SilentDownstream()) {
            String url = silent.url("/silent?then=" + URLEncoder.encode(downstream.allowedUrl("/after-failure"), StandardCharsets.UTF_8));
            for (String caller : Arrays.asList(alice, carol, null)) {
                ClientContractTest.call(service, "reactor-h2c-waiting-then-call-on-error", url, caller, null);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (silent.accepted() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, silent.accepted(), "alice's exchange opened the one connection");
            assertNull(downstream.poll(200), "no exchange has failed yet");
            ClientContractTest.call(service, "reactor-dispose-of-the-waiting-then-call", downstream.allowedUrl("/bob"), bob, null);
        }
        assertEquals(sorted("/after-failure " + List.of("Bearer " + alice), "/after-failure " + List.of("Bearer " + carol),
                "/after-failure " + List.of(), "/bob " + List.of("Bearer " + bob)), arrived(4));
    }

    /**
     * A pool of one connection that lets no exchange wait for it, held by alice's exchange. dave's
     * acquire and carol's meet inside the pool (its allocation strategy, the application's, holds
     * them there): carol queues right after dave, so dave's acquire fails the newest waiter, carol's,
     * on dave's thread; the pool's drain loop then fails dave's. Each error handler's call carries
     * its own caller's token. Before, carol's carried dave's, and dave's none.
     */
    @Test
    void reactorNettyPoolOverItsPendingLimitFailsAnotherCallersWaiterWithThatCallersToken() throws Exception {
        String client = "reactor-pending-limit-then-call-on-error";
        ClientContractTest.call(service, client, thenAfterHolding("/after-alice"), Tokens.valid("alice"), null);
        assertNotNull(holding.take(), "alice's exchange holds the one connection");
        String dave = Tokens.valid("dave");
        String carol = Tokens.valid("carol");
        ReactorPendingLimit.meetInThePool();
        ExecutorService callers = Executors.newFixedThreadPool(2);
        try {
            Future<?> daves = callers.submit(() -> ClientContractTest.call(service, client, thenAfterHolding("/after-dave"), dave, null));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!ReactorPendingLimit.firstIsWaiting() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(ReactorPendingLimit.firstIsWaiting(), "dave's acquire is held in the pool");
            Future<?> carols = callers.submit(() -> ClientContractTest.call(service, client, thenAfterHolding("/after-carol"), carol, null));
            daves.get(30, TimeUnit.SECONDS);
            carols.get(30, TimeUnit.SECONDS);
        } finally {
            callers.shutdownNow();
        }
        assertTrue(ReactorPendingLimit.met(), "carol queued while dave's acquire was held, and dave's subscription returned first");
        assertEquals(sorted("/after-carol " + List.of("Bearer " + carol), "/after-dave " + List.of("Bearer " + dave)), arrived(2));
    }

    /**
     * reactor-pool used directly, as r2dbc-pool uses it: alice's request holds the one resource,
     * carol's acquire and a tokenless caller's wait, each with a continuation that calls an allowed
     * downstream and releases. bob's request releases alice's resource: the pool hands it to carol's
     * waiter on bob's thread, and carol's release hands it to the tokenless waiter, still on bob's
     * thread. Each continuation's call carries its own caller's token, or none. Before, both carried
     * bob's.
     */
    @Test
    void reactorPoolServesTheWaitingAcquiresOnAnotherCallersThreadWithTheirOwnCallersTokens() throws Exception {
        String carol = Tokens.valid("carol");
        String bob = Tokens.valid("bob");
        holdTheResourceAndQueueTwo(carol);
        assertNull(downstream.poll(200), "no continuation has run yet");
        ClientContractTest.call(service, "reactor-pool-release-then-call", downstream.allowedUrl("/bob"), bob, null);
        assertEquals(sorted("/after-carol " + List.of("Bearer " + carol), "/after-tokenless " + List.of(), "/bob " + List.of("Bearer " + bob)),
                arrived(3));
    }

    /**
     * reactor-pool used directly: alice's request holds the one resource, carol's acquire and a
     * tokenless caller's wait, each with an error handler that calls an allowed downstream. bob's
     * request disposes the pool, which fails both waiters on bob's thread. Each error handler's call
     * carries its own caller's token, or none. Before, both carried bob's.
     */
    @Test
    void reactorPoolDisposedByAnotherCallerFailsTheWaitingAcquiresWithTheirOwnCallersTokens() throws Exception {
        String carol = Tokens.valid("carol");
        String bob = Tokens.valid("bob");
        holdTheResourceAndQueueTwo(carol);
        ClientContractTest.call(service, "reactor-pool-dispose-then-call", downstream.allowedUrl("/bob"), bob, null);
        assertEquals(sorted("/after-carol " + List.of("Bearer " + carol), "/after-tokenless " + List.of(), "/bob " + List.of("Bearer " + bob)),
                arrived(3));
    }

    /** alice's request holds reactor-pool's one resource; carol's acquire and a tokenless caller's then wait for it. */
    private void holdTheResourceAndQueueTwo(String carol) throws Exception {
        ClientContractTest.call(service, "reactor-pool-hold", downstream.allowedUrl("/unused"), Tokens.valid("alice"), null);
        ClientContractTest.call(service, "reactor-pool-wait-then-call",
                downstream.allowedUrl("/unused?then=" + URLEncoder.encode(downstream.allowedUrl("/after-carol"), StandardCharsets.UTF_8)), carol, null);
        ClientContractTest.call(service, "reactor-pool-wait-then-call",
                downstream.allowedUrl("/unused?then=" + URLEncoder.encode(downstream.allowedUrl("/after-tokenless"), StandardCharsets.UTF_8)), null, null);
        assertEquals(2, ReactorObjectPool.waiting(), "carol's and the tokenless acquire wait for the resource");
    }

    private String thenAfterHolding(String path) {
        return holding.url("/hold?then=" + URLEncoder.encode(downstream.allowedUrl(path), StandardCharsets.UTF_8));
    }

    /**
     * A pool that evicts idle connections in the background, made by alice's exchange, its first.
     * Its timer runs the application's eviction predicate on Reactor's scheduler for as long as the
     * pool lives, for every caller's connections; a call made from it carries no token. Before, it
     * carried alice's: the timer was first scheduled during her request and kept her token. Over
     * HTTP/1.1 and over HTTP/2 (h2c with prior knowledge, to a downstream that speaks only that),
     * whose pool Reactor Netty keeps apart.
     */
    @ParameterizedTest
    @ValueSource(strings = {"reactor-new-evicting-pool", "reactor-new-evicting-pool-h2c"})
    void reactorNettyEvictionTimerMadeInOneCallersRequestKeepsNoToken(String client) throws Exception {
        String alice = Tokens.valid("alice");
        String then = "?then=" + URLEncoder.encode(downstream.allowedUrl("/from-the-timer"), StandardCharsets.UTF_8);
        if (client.endsWith("-h2c")) {
            try (Downstream http2 = Downstream.http2Only()) {
                ClientContractTest.call(service, client, http2.allowedUrl("/alice" + then), alice, null);
                assertEquals(List.of("Bearer " + alice), http2.takeAuthorization(), "alice's exchange");
                assertEquals(List.of("/from-the-timer " + List.of()), arrived(1));
            }
        } else {
            ClientContractTest.call(service, client, downstream.allowedUrl("/alice" + then), alice, null);
            assertEquals(sorted("/alice " + List.of("Bearer " + alice), "/from-the-timer " + List.of()), arrived(2));
        }
    }

    /**
     * A connection provider that disposes its inactive pools in the background, made by alice's
     * exchange. Its timer runs for as long as the provider lives and tells the application's metrics
     * registrar of each pool it disposes; a call made from the registrar carries no token. Before,
     * it carried alice's.
     */
    @Test
    void reactorNettyInactivePoolsTimerMadeInOneCallersRequestKeepsNoToken() throws Exception {
        String alice = Tokens.valid("alice");
        String url = downstream.allowedUrl("/alice?then=" + URLEncoder.encode(downstream.allowedUrl("/from-the-timer"), StandardCharsets.UTF_8));
        ClientContractTest.call(service, "reactor-new-provider-disposing-inactive-pools", url, alice, null);
        assertEquals(sorted("/alice " + List.of("Bearer " + alice), "/from-the-timer " + List.of()), arrived(2));
    }

    @Test
    void okHttpCallsCancelledByAnotherCallerCallBackWithTheirOwnCallersTokens() throws Exception {
        String alice = Tokens.valid("alice");
        String carol = Tokens.valid("carol");
        holdOneAndWaitTwo("okhttp-async-waiting-then-call-on-failure", OkHttpWaitingCalls::waiting, alice, carol);
        String bob = Tokens.valid("bob");
        ClientContractTest.call(service, "okhttp-cancel-all-of-the-waiting-then-call", downstream.allowedUrl("/bob"), bob, null);
        assertEquals(sorted("/after-failure " + List.of("Bearer " + alice), "/after-failure " + List.of("Bearer " + carol),
                "/after-failure " + List.of(), "/bob " + List.of("Bearer " + bob)), arrived(4));
    }

    /** alice's exchange reaches the holding downstream; carol's and a tokenless caller's then wait for the connection. */
    private void holdOneAndWaitTwo(String client, IntSupplier waiting, String alice, String carol) throws Exception {
        String url = holding.url("/hold?then=" + URLEncoder.encode(downstream.allowedUrl("/after-failure"), StandardCharsets.UTF_8));
        ClientContractTest.call(service, client, url, alice, null);
        assertNotNull(holding.take(), "alice's exchange reached the holding downstream");
        ClientContractTest.call(service, client, url, carol, null);
        ClientContractTest.call(service, client, url, null, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waiting.getAsInt() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(2, waiting.getAsInt(), "carol's and the tokenless exchange wait for the connection");
        assertNull(downstream.poll(200), "no exchange has failed yet");
    }
}
