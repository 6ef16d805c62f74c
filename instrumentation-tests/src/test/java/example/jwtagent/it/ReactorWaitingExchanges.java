package example.jwtagent.it;

import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import java.time.Duration;

/**
 * Exchanges of one Reactor Netty {@code HttpClient} shared by every caller, with a pool of one
 * connection: the first exchange holds it (a downstream that holds the body back, or one that never
 * answers HTTP/2's handshake), the others wait to acquire it. Disposing the pool fails the waiting
 * ones on the thread that disposes it; the first goes on.
 */
final class ReactorWaitingExchanges {
    /**
     * Event loops of these exchanges' own. Reactor Netty's shared ones would start here, inside a
     * request to a service the test class then stops; when this class ran first, a later test
     * class's WebClient calls on those loops never completed.
     */
    private static final LoopResources LOOPS = LoopResources.create("waiting-exchanges", 1, true);
    private static ConnectionProvider pool;
    private static HttpClient shared;
    private static volatile ConnectionPoolMetrics metrics;

    private ReactorWaitingExchanges() {
    }

    private static synchronized HttpClient shared() {
        if (shared == null) {
            pool = ConnectionProvider.builder("one-connection").maxConnections(1).pendingAcquireMaxCount(16)
                    .pendingAcquireTimeout(Duration.ofSeconds(60))
                    .metrics(true, () -> (poolName, id, remoteAddress, poolMetrics) -> metrics = poolMetrics)
                    .build();
            shared = HttpClient.create(pool).runOn(LOOPS);
        }
        return shared;
    }

    /**
     * Subscribes to an exchange of {@code url} on the shared client whose error handler calls the
     * URL in {@code url}'s {@code then} parameter (with {@code HttpURLConnection}); returns at once,
     * the exchange under way or waiting for the connection.
     */
    static int start(String url, String authorization) {
        return start(shared(), url, authorization);
    }

    /** As {@link #start(String, String)}, over HTTP/2 without upgrade (h2c with prior knowledge), which Reactor Netty pools apart. */
    static int startHttp2(String url, String authorization) {
        return start(shared().protocol(HttpProtocol.H2C), url, authorization);
    }

    /** Subscribes to an exchange of {@code url} on {@code client} whose error handler calls the URL in its {@code then} parameter. */
    static int start(HttpClient client, String url, String authorization) {
        String then = JdkHeldExchanges.then(url);
        client.headers(headers -> {
                    if (authorization != null) {
                        headers.set("Authorization", authorization);
                    }
                })
                .get().uri(url)
                .responseSingle((response, body) -> body.asString().defaultIfEmpty(""))
                .subscribe(body -> {
                }, failure -> JdkHeldExchanges.callFromACallback(then));
        return 200;
    }

    /** Disposes the shared pool if a test left one (it failed before disposing it): the next test starts with a new one. */
    static synchronized void forgetTheSharedPool() {
        if (pool != null) {
            pool.dispose();
        }
        pool = null;
        shared = null;
        metrics = null;
    }

    /** How many exchanges wait to acquire the connection. */
    static int waiting() {
        ConnectionPoolMetrics seen = metrics;
        return seen == null ? 0 : seen.pendingAcquireSize();
    }

    /**
     * {@code dispose()} of the shared pool, or {@code disposeLater().block()} as Spring's resource
     * factory does when {@code blocking}; then a call of {@code url} with {@code HttpURLConnection}
     * from the same thread.
     */
    static int disposeThenCall(String url, String authorization, boolean blocking) throws Exception {
        ConnectionProvider disposed;
        synchronized (ReactorWaitingExchanges.class) {
            disposed = pool;
            pool = null;
            shared = null;
            metrics = null;
        }
        if (blocking) {
            disposed.disposeLater().block(Duration.ofSeconds(10));
        } else {
            disposed.dispose();
        }
        return DownstreamClients.urlConnection(url, authorization);
    }
}
