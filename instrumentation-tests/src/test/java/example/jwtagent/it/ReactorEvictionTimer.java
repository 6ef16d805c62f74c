package example.jwtagent.it;

import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Reactor Netty pool that evicts idle connections in the background, made by the exchange of
 * the request that first uses it. Its eviction predicate, the application's code, calls the URL in
 * the exchange URL's {@code then} parameter once, the first time the background timer runs it.
 */
final class ReactorEvictionTimer {
    /** Event loops of these exchanges' own (see {@link ReactorWaitingExchanges}). */
    private static final LoopResources LOOPS = LoopResources.create("eviction-timer", 1, true);
    private static final AtomicBoolean CALLED = new AtomicBoolean();
    private static volatile String then;
    private static ConnectionProvider pool;

    private ReactorEvictionTimer() {
    }

    /** A new pool (the one before disposed), and one exchange of {@code url} on it, waited for. */
    static int callOnANewEvictingPool(String url, String authorization) {
        return callOnANewEvictingPool(url, authorization, HttpProtocol.HTTP11);
    }

    /** As {@link #callOnANewEvictingPool(String, String)}, over HTTP/2 with prior knowledge (h2c), whose pool Reactor Netty keeps apart. */
    static int callOnANewEvictingHttp2Pool(String url, String authorization) {
        return callOnANewEvictingPool(url, authorization, HttpProtocol.H2C);
    }

    private static synchronized int callOnANewEvictingPool(String url, String authorization, HttpProtocol protocol) {
        forgetThePool();
        then = JdkHeldExchanges.then(url);
        CALLED.set(false);
        pool = ConnectionProvider.builder("evicting").maxConnections(1)
                .evictInBackground(Duration.ofMillis(100))
                .evictionPredicate((connection, metadata) -> {
                    whenTheTimerChecks();
                    return false;
                })
                .build();
        getAndWait(HttpClient.create(pool).runOn(LOOPS).protocol(protocol), url, authorization);
        return 200;
    }

    /** A GET of {@code url} through {@code client}, with {@code authorization} when not null, waited for with its body. */
    static void getAndWait(HttpClient client, String url, String authorization) {
        client.headers(headers -> {
                    if (authorization != null) {
                        headers.set("Authorization", authorization);
                    }
                })
                .get().uri(url)
                .responseSingle((response, body) -> body.asString().defaultIfEmpty(""))
                .block(Duration.ofSeconds(10));
    }

    /** Reactor's timers run on its parallel scheduler's threads; the predicate also runs when a connection is acquired. */
    private static void whenTheTimerChecks() {
        if (Thread.currentThread().getName().startsWith("parallel-") && CALLED.compareAndSet(false, true)) {
            JdkHeldExchanges.callFromACallback(then);
        }
    }

    static synchronized void forgetThePool() {
        if (pool != null) {
            pool.dispose();
        }
        pool = null;
    }
}
