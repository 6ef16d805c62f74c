package example.jwtagent.it;

import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Reactor Netty connection provider that disposes its inactive pools in the background, made by
 * the exchange of the request that first uses it. Its connection is evicted soon after, so its pool
 * is soon inactive and the provider's timer disposes it; the application's metrics registrar,
 * told so, calls the URL in the exchange URL's {@code then} parameter once.
 */
final class ReactorInactivePools {
    /** Event loops of these exchanges' own (see {@link ReactorWaitingExchanges}). */
    private static final LoopResources LOOPS = LoopResources.create("inactive-pools", 1, true);
    private static final AtomicBoolean CALLED = new AtomicBoolean();
    private static volatile String then;
    private static ConnectionProvider provider;

    private ReactorInactivePools() {
    }

    /** A new provider (the one before disposed), and one exchange of {@code url} on it, waited for. */
    static synchronized int callOnANewProvider(String url, String authorization) {
        forgetTheProvider();
        then = JdkHeldExchanges.then(url);
        CALLED.set(false);
        provider = ConnectionProvider.builder("inactive-pools").maxConnections(1)
                .disposeInactivePoolsInBackground(Duration.ofMillis(100), Duration.ofMillis(100))
                // The connection leaves its pool soon after the exchange, which leaves the pool inactive.
                .maxIdleTime(Duration.ofMillis(50)).evictInBackground(Duration.ofMillis(100))
                .metrics(true, () -> new ConnectionProvider.MeterRegistrar() {
                    @Override
                    public void registerMetrics(String poolName, String id, SocketAddress remoteAddress, ConnectionPoolMetrics metrics) {
                    }

                    @Override
                    public void deRegisterMetrics(String poolName, String id, SocketAddress remoteAddress) {
                        if (CALLED.compareAndSet(false, true)) {
                            JdkHeldExchanges.callFromACallback(then);
                        }
                    }
                })
                .build();
        ReactorEvictionTimer.getAndWait(HttpClient.create(provider).runOn(LOOPS), url, authorization);
        return 200;
    }

    static synchronized void forgetTheProvider() {
        if (provider != null) {
            provider.dispose();
        }
        provider = null;
    }
}
