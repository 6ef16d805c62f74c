package example.jwtagent.it;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;

/**
 * The clients of {@link DownstreamClients} configured, the way each documents, to send through
 * the forward proxy of {@link DownstreamClients#forwardProxy()}. Each call builds its client anew.
 */
final class ProxiedClients {
    private ProxiedClients() {
    }

    private static Proxy javaNetProxy() {
        InetSocketAddress proxy = DownstreamClients.forwardProxy();
        return new Proxy(Proxy.Type.HTTP, new InetSocketAddress(proxy.getHostString(), proxy.getPort()));
    }

    static int urlConnection(String url, String authorization) throws IOException {
        return DownstreamClients.urlConnection((HttpURLConnection) new URL(url).openConnection(javaNetProxy()), authorization);
    }

    private static HttpClient jdkClient() {
        InetSocketAddress proxy = DownstreamClients.forwardProxy();
        return HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress(proxy.getHostString(), proxy.getPort()))).build();
    }

    static int jdkSend(String url, String authorization) throws Exception {
        return jdkClient().send(DownstreamClients.jdkRequest(url, authorization), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    static int jdkAsync(String url, String authorization) throws Exception {
        return jdkClient().sendAsync(DownstreamClients.jdkRequest(url, authorization), HttpResponse.BodyHandlers.discarding())
                .get().statusCode();
    }

    static int apache4(String url, String authorization) throws Exception {
        InetSocketAddress proxy = DownstreamClients.forwardProxy();
        try (org.apache.http.impl.client.CloseableHttpClient client = org.apache.http.impl.client.HttpClients.custom()
                .setProxy(new org.apache.http.HttpHost(proxy.getHostString(), proxy.getPort())).build()) {
            return ApacheClients.classic4(client, url, authorization);
        }
    }

    static int apache4Async(String url, String authorization) throws Exception {
        InetSocketAddress proxy = DownstreamClients.forwardProxy();
        try (org.apache.http.impl.nio.client.CloseableHttpAsyncClient client = org.apache.http.impl.nio.client.HttpAsyncClients.custom()
                .setProxy(new org.apache.http.HttpHost(proxy.getHostString(), proxy.getPort())).build()) {
            client.start();
            return ApacheClients.async4(client, url, authorization, null);
        }
    }

    static int apache5(String url, String authorization) throws Exception {
        InetSocketAddress proxy = DownstreamClients.forwardProxy();
        try (org.apache.hc.client5.http.impl.classic.CloseableHttpClient client = org.apache.hc.client5.http.impl.classic.HttpClients.custom()
                .setProxy(new org.apache.hc.core5.http.HttpHost(proxy.getHostString(), proxy.getPort())).build()) {
            return ApacheClients.classic5(client, url, authorization);
        }
    }

    static int apache5Async(String url, String authorization) throws Exception {
        InetSocketAddress proxy = DownstreamClients.forwardProxy();
        try (org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient client = org.apache.hc.client5.http.impl.async.HttpAsyncClients.custom()
                .setProxy(new org.apache.hc.core5.http.HttpHost(proxy.getHostString(), proxy.getPort())).build()) {
            client.start();
            return ApacheClients.async5(client, url, authorization, null);
        }
    }

    /** The target given beside the request: where the client routes it (through the proxy), whatever host its URI names. */
    static final String EXPLICIT_TARGET = "localhost";

    static int apache4ExplicitTarget(String url, String authorization) throws Exception {
        InetSocketAddress proxy = DownstreamClients.forwardProxy();
        try (org.apache.http.impl.client.CloseableHttpClient client = org.apache.http.impl.client.HttpClients.custom()
                .setProxy(new org.apache.http.HttpHost(proxy.getHostString(), proxy.getPort())).build()) {
            org.apache.http.client.methods.HttpGet get = new org.apache.http.client.methods.HttpGet(url);
            if (authorization != null) {
                get.setHeader("Authorization", authorization);
            }
            try (org.apache.http.client.methods.CloseableHttpResponse response = client.execute(
                    new org.apache.http.HttpHost(EXPLICIT_TARGET, 9, "http"), get)) {
                org.apache.http.util.EntityUtils.consume(response.getEntity());
                return response.getStatusLine().getStatusCode();
            }
        }
    }

    static int apache4AsyncExplicitTarget(String url, String authorization) throws Exception {
        InetSocketAddress proxy = DownstreamClients.forwardProxy();
        try (org.apache.http.impl.nio.client.CloseableHttpAsyncClient client = org.apache.http.impl.nio.client.HttpAsyncClients.custom()
                .setProxy(new org.apache.http.HttpHost(proxy.getHostString(), proxy.getPort())).build()) {
            client.start();
            org.apache.http.client.methods.HttpGet get = new org.apache.http.client.methods.HttpGet(url);
            if (authorization != null) {
                get.setHeader("Authorization", authorization);
            }
            org.apache.http.HttpResponse response = client.execute(new org.apache.http.HttpHost(EXPLICIT_TARGET, 9, "http"), get, null)
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            org.apache.http.util.EntityUtils.consume(response.getEntity());
            return response.getStatusLine().getStatusCode();
        }
    }

    static int apache5ExplicitTarget(String url, String authorization) throws Exception {
        InetSocketAddress proxy = DownstreamClients.forwardProxy();
        try (org.apache.hc.client5.http.impl.classic.CloseableHttpClient client = org.apache.hc.client5.http.impl.classic.HttpClients.custom()
                .setProxy(new org.apache.hc.core5.http.HttpHost(proxy.getHostString(), proxy.getPort())).build()) {
            org.apache.hc.client5.http.classic.methods.HttpGet get = new org.apache.hc.client5.http.classic.methods.HttpGet(url);
            if (authorization != null) {
                get.setHeader("Authorization", authorization);
            }
            return client.execute(new org.apache.hc.core5.http.HttpHost("http", EXPLICIT_TARGET, 9), get, response -> {
                org.apache.hc.core5.http.io.entity.EntityUtils.consume(response.getEntity());
                return response.getCode();
            });
        }
    }

    private static okhttp3.OkHttpClient okHttpClient() {
        return new okhttp3.OkHttpClient.Builder().proxy(javaNetProxy()).build();
    }

    static int okHttp(String url, String authorization) throws IOException {
        return OkHttpClients.execute(okHttpClient(), url, authorization);
    }

    static int okHttpAsync(String url, String authorization) throws Exception {
        return OkHttpClients.enqueue(okHttpClient(), url, authorization);
    }
}
