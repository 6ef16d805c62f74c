package example.jwtagent.it;

import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.nio.AsyncConnectionEndpoint;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.pool.PoolConcurrencyPolicy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.apache.http.HttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.nio.client.HttpAsyncClients;

import java.net.URI;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The async Apache clients (5, with each of its two pools, and 4.1) with one pooled connection and a
 * connection-request timeout of 300 ms: one caller holds the connection, others wait for it and their
 * leases expire; when the holder lets it go, the pool releases it on the holder's thread and fails the
 * expired leases right there, running their callbacks (which call the {@code then} URL). With
 * Apache 5 the holder leases the connection from the client's connection manager and releases it;
 * with 4.1 it holds an exchange with a downstream that holds it open, and cancels it.
 */
final class ApacheWaitingLeases {
    private static final PoolingAsyncClientConnectionManager POOL5 = onePooledConnection(PoolConcurrencyPolicy.STRICT);
    private static final PoolingAsyncClientConnectionManager POOL5_LAX = onePooledConnection(PoolConcurrencyPolicy.LAX);
    private static final CloseableHttpAsyncClient CLIENT5 = waitingAtMost(POOL5, Timeout.ofMilliseconds(300));
    private static final CloseableHttpAsyncClient CLIENT5_LAX = waitingAtMost(POOL5_LAX, Timeout.ofMilliseconds(300));
    private static final org.apache.http.impl.nio.client.CloseableHttpAsyncClient CLIENT4 = HttpAsyncClients.custom()
            .setMaxConnPerRoute(1).setMaxConnTotal(1)
            .setDefaultRequestConfig(org.apache.http.client.config.RequestConfig.custom().setConnectionRequestTimeout(300).build())
            .build();
    private static volatile Future<?> held;
    private static volatile PoolingAsyncClientConnectionManager heldFrom;
    private static volatile AsyncConnectionEndpoint heldEndpoint;
    private static volatile PoolingAsyncClientConnectionManager closingPool;
    private static volatile CloseableHttpAsyncClient closing;

    static {
        CLIENT5.start();
        CLIENT5_LAX.start();
        CLIENT4.start();
    }

    private static PoolingAsyncClientConnectionManager onePooledConnection(PoolConcurrencyPolicy policy) {
        return PoolingAsyncClientConnectionManagerBuilder.create().setPoolConcurrencyPolicy(policy).setMaxConnPerRoute(1).setMaxConnTotal(1).build();
    }

    private static CloseableHttpAsyncClient waitingAtMost(PoolingAsyncClientConnectionManager pool, Timeout connectionRequestTimeout) {
        return org.apache.hc.client5.http.impl.async.HttpAsyncClients.custom().setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(connectionRequestTimeout).build())
                .build();
    }

    private ApacheWaitingLeases() {
    }

    /** Leases the one connection for {@code url}'s route from the client's pool (not yet connected) and keeps it. */
    static int lease5(String url, String authorization) throws Exception {
        return lease(POOL5, url);
    }

    static int lease5Lax(String url, String authorization) throws Exception {
        return lease(POOL5_LAX, url);
    }

    private static int lease(PoolingAsyncClientConnectionManager pool, String url) throws Exception {
        URI uri = URI.create(url);
        HttpRoute route = new HttpRoute(new HttpHost(uri.getScheme(), uri.getHost(), uri.getPort()));
        heldEndpoint = pool.lease("holder", route, null, Timeout.ofSeconds(5), null).get(5, TimeUnit.SECONDS);
        heldFrom = pool;
        return 200;
    }

    static int hold4(String url, String authorization) {
        held = CLIENT4.execute(new HttpGet(url), null);
        return 200;
    }

    /** Waits for the connection; the callback calls the {@code then} URL however the exchange ends. */
    static int wait5(String url, String authorization) {
        return wait5(CLIENT5, url);
    }

    static int wait5Lax(String url, String authorization) {
        return wait5(CLIENT5_LAX, url);
    }

    private static int wait5(CloseableHttpAsyncClient client, String url) {
        String then = JdkHeldExchanges.then(url);
        client.execute(SimpleRequestBuilder.get(url).build(), new org.apache.hc.core5.concurrent.FutureCallback<SimpleHttpResponse>() {
            @Override
            public void completed(SimpleHttpResponse result) {
                JdkHeldExchanges.callFromACallback(then);
            }

            @Override
            public void failed(Exception failure) {
                JdkHeldExchanges.callFromACallback(then);
            }

            @Override
            public void cancelled() {
                JdkHeldExchanges.callFromACallback(then);
            }
        });
        return 200;
    }

    static int wait4(String url, String authorization) {
        String then = JdkHeldExchanges.then(url);
        CLIENT4.execute(new HttpGet(url), new org.apache.http.concurrent.FutureCallback<HttpResponse>() {
            @Override
            public void completed(HttpResponse result) {
                JdkHeldExchanges.callFromACallback(then);
            }

            @Override
            public void failed(Exception failure) {
                JdkHeldExchanges.callFromACallback(then);
            }

            @Override
            public void cancelled() {
                JdkHeldExchanges.callFromACallback(then);
            }
        });
        return 200;
    }

    /** Starts a new client on a lax pool whose leases wait up to 30 s, and leases its one connection for {@code url}'s route. */
    static int leaseFromANewLaxClient(String url, String authorization) throws Exception {
        closingPool = onePooledConnection(PoolConcurrencyPolicy.LAX);
        closing = waitingAtMost(closingPool, Timeout.ofSeconds(30));
        closing.start();
        int status = lease(closingPool, url);
        heldEndpoint = null;
        return status;
    }

    static int waitOnTheNewLaxClient(String url, String authorization) {
        return wait5(closing, url);
    }

    /** Once two leases wait, closes the new client, whose pool fails them right here; then calls {@code url}. */
    static int closeTheNewLaxClientThenCall(String url, String authorization) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (closingPool.getTotalStats().getPending() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        closing.close(CloseMode.GRACEFUL);
        return DownstreamClients.urlConnection(url, authorization);
    }

    /**
     * After the waiting leases have expired, releases the leased connection (Apache 5) or cancels the
     * held exchange (4.1), so that the pool releases the connection here; then calls {@code url}.
     */
    static int letGoThenCall(String url, String authorization) throws Exception {
        Thread.sleep(700);
        if (heldEndpoint != null) {
            heldFrom.release(heldEndpoint, null, TimeValue.ZERO_MILLISECONDS);
            heldEndpoint = null;
        } else {
            held.cancel(true);
        }
        return DownstreamClients.urlConnection(url, authorization);
    }
}
