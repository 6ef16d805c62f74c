package example.jwtagent.it;

import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.util.Timeout;
import org.apache.http.HttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.nio.client.HttpAsyncClients;

import java.util.concurrent.Future;

/**
 * The async Apache clients (5 and 4.1) with one pooled connection and a connection-request timeout
 * of 300 ms: one caller's exchange holds the connection, others wait for it and their leases expire;
 * when the holder cancels its exchange, the pool releases the connection on the holder's thread and
 * fails the expired leases right there, running their callbacks (which call the {@code then} URL).
 */
final class ApacheWaitingLeases {
    private static final CloseableHttpAsyncClient CLIENT5 = org.apache.hc.client5.http.impl.async.HttpAsyncClients.custom()
            .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create().setMaxConnPerRoute(1).setMaxConnTotal(1).build())
            .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(Timeout.ofMilliseconds(300)).build())
            .build();
    private static final org.apache.http.impl.nio.client.CloseableHttpAsyncClient CLIENT4 = HttpAsyncClients.custom()
            .setMaxConnPerRoute(1).setMaxConnTotal(1)
            .setDefaultRequestConfig(org.apache.http.client.config.RequestConfig.custom().setConnectionRequestTimeout(300).build())
            .build();
    private static volatile Future<?> held;

    static {
        CLIENT5.start();
        CLIENT4.start();
    }

    private ApacheWaitingLeases() {
    }

    static int hold5(String url, String authorization) {
        held = CLIENT5.execute(SimpleRequestBuilder.get(url).build(), null);
        return 200;
    }

    static int hold4(String url, String authorization) {
        held = CLIENT4.execute(new HttpGet(url), null);
        return 200;
    }

    /** Waits for the connection; the callback calls the {@code then} URL however the exchange ends. */
    static int wait5(String url, String authorization) {
        String then = JdkHeldExchanges.then(url);
        CLIENT5.execute(SimpleRequestBuilder.get(url).build(), new org.apache.hc.core5.concurrent.FutureCallback<SimpleHttpResponse>() {
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

    /** After the waiting leases have expired, cancels the held exchange (its connection is released here), then calls {@code url}. */
    static int cancelHeldThenCall(String url, String authorization) throws Exception {
        Thread.sleep(700);
        held.cancel(true);
        return DownstreamClients.urlConnection(url, authorization);
    }
}
