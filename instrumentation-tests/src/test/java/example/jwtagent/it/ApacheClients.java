package example.jwtagent.it;

import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.http.HttpResponse;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.util.EntityUtils;

import java.util.concurrent.TimeUnit;

/** Apache HttpClient 4.x and 5.x, classic and async, each with its default settings (redirects followed). */
final class ApacheClients {
    private ApacheClients() {
    }

    private static final class Classic4 {
        static final org.apache.http.impl.client.CloseableHttpClient CLIENT = org.apache.http.impl.client.HttpClients.createDefault();
    }

    /** A client that sends its own credentials on every request, as a default header. */
    private static final class Classic4WithDefaultAuthorization {
        static final org.apache.http.impl.client.CloseableHttpClient CLIENT = org.apache.http.impl.client.HttpClients.custom()
                .setDefaultHeaders(java.util.List.of(new org.apache.http.message.BasicHeader("Authorization", SERVICE_CREDENTIALS)))
                .build();
    }

    private static final class Classic5WithDefaultAuthorization {
        static final CloseableHttpClient CLIENT = org.apache.hc.client5.http.impl.classic.HttpClients.custom()
                .setDefaultHeaders(java.util.List.of(new org.apache.hc.core5.http.message.BasicHeader("Authorization", SERVICE_CREDENTIALS)))
                .build();
    }

    private static final class Minimal5 {
        static final CloseableHttpClient CLIENT = org.apache.hc.client5.http.impl.classic.HttpClients.createMinimal();
    }

    /** What {@link #classic4WithDefaultAuthorization} and {@link #classic5WithDefaultAuthorization} send as their own. */
    static final String SERVICE_CREDENTIALS = "Basic c2VydmljZTpzZWNyZXQ=";

    private static final class Async4 {
        static final org.apache.http.impl.nio.client.CloseableHttpAsyncClient CLIENT = org.apache.http.impl.nio.client.HttpAsyncClients.createDefault();

        static {
            CLIENT.start();
        }
    }

    private static final class Async4WithDefaultAuthorization {
        static final org.apache.http.impl.nio.client.CloseableHttpAsyncClient CLIENT = org.apache.http.impl.nio.client.HttpAsyncClients.custom()
                .setDefaultHeaders(java.util.List.of(new org.apache.http.message.BasicHeader("Authorization", SERVICE_CREDENTIALS)))
                .build();

        static {
            CLIENT.start();
        }
    }

    private static final class Async4Minimal {
        static final org.apache.http.impl.nio.client.CloseableHttpAsyncClient CLIENT = org.apache.http.impl.nio.client.HttpAsyncClients.createMinimal();

        static {
            CLIENT.start();
        }
    }

    private static final class Classic5 {
        static final CloseableHttpClient CLIENT = org.apache.hc.client5.http.impl.classic.HttpClients.createDefault();
    }

    private static final class Async5 {
        static final CloseableHttpAsyncClient CLIENT = org.apache.hc.client5.http.impl.async.HttpAsyncClients.createDefault();

        static {
            CLIENT.start();
        }
    }

    private static final class Async5WithDefaultAuthorization {
        static final CloseableHttpAsyncClient CLIENT = org.apache.hc.client5.http.impl.async.HttpAsyncClients.custom()
                .setDefaultHeaders(java.util.List.of(new org.apache.hc.core5.http.message.BasicHeader("Authorization", SERVICE_CREDENTIALS)))
                .build();

        static {
            CLIENT.start();
        }
    }

    /** The HTTP/2-only async client (a main step of its own, no connect step), with the default header of {@link Async5WithDefaultAuthorization}. */
    private static final class Async5Http2WithDefaultAuthorization {
        static final CloseableHttpAsyncClient CLIENT = org.apache.hc.client5.http.impl.async.HttpAsyncClients.customHttp2()
                .setDefaultHeaders(java.util.List.of(new org.apache.hc.core5.http.message.BasicHeader("Authorization", SERVICE_CREDENTIALS)))
                .build();

        static {
            CLIENT.start();
        }
    }

    private static final class Async5Http2 {
        static final CloseableHttpAsyncClient CLIENT = org.apache.hc.client5.http.impl.async.HttpAsyncClients.createHttp2Default();

        static {
            CLIENT.start();
        }
    }

    /** The default async client with one pooled connection in all: concurrent calls wait for it, and are handed it in turn. */
    private static final class Async5OneConnection {
        static final CloseableHttpAsyncClient CLIENT = org.apache.hc.client5.http.impl.async.HttpAsyncClients.custom()
                .setConnectionManager(org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnPerRoute(1).setMaxConnTotal(1).build())
                .build();

        static {
            CLIENT.start();
        }
    }

    private static final class Async4OneConnection {
        static final org.apache.http.impl.nio.client.CloseableHttpAsyncClient CLIENT = org.apache.http.impl.nio.client.HttpAsyncClients.custom()
                .setMaxConnPerRoute(1).setMaxConnTotal(1).build();

        static {
            CLIENT.start();
        }
    }

    static int async5OneConnection(String url, String authorization) throws Exception {
        return async5(Async5OneConnection.CLIENT, url, authorization, null);
    }

    /**
     * The async 5 client with one connection: sends {@code url + "-first"} without waiting, then
     * {@code url}, which waits for the pooled connection until the first has its answer.
     */
    static int async5QueuedBehindAnother(String url, String authorization) throws Exception {
        SimpleHttpRequest first = SimpleRequestBuilder.get(url + "-first").build();
        java.util.concurrent.Future<org.apache.hc.client5.http.async.methods.SimpleHttpResponse> firstResponse = Async5OneConnection.CLIENT.execute(first, null);
        int status = async5(Async5OneConnection.CLIENT, url, authorization, null);
        firstResponse.get(10, TimeUnit.SECONDS);
        return status;
    }

    static int async4OneConnection(String url, String authorization) throws Exception {
        return async4(Async4OneConnection.CLIENT, url, authorization, null);
    }

    /**
     * The default async client with an exec step of the application's, after the retry step, that
     * fails each exchange's first attempt at once, on the calling thread, as a dropped connection
     * would: the client schedules its retry (after 1 s, its default) from that thread.
     */
    private static final class Async5FailingFirstAttempt {
        static final CloseableHttpAsyncClient CLIENT = org.apache.hc.client5.http.impl.async.HttpAsyncClients.custom()
                .addExecInterceptorAfter(org.apache.hc.client5.http.impl.ChainElement.RETRY.name(), "fail-first-attempt",
                        (request, entityProducer, scope, chain, callback) -> {
                            if (scope.clientContext.getAttribute("failed-once") == null) {
                                scope.clientContext.setAttribute("failed-once", Boolean.TRUE);
                                callback.failed(new org.apache.hc.core5.http.NoHttpResponseException("the test fails the first attempt"));
                            } else {
                                chain.proceed(request, entityProducer, scope, callback);
                            }
                        })
                .build();

        static {
            CLIENT.start();
        }
    }

    static int async5FailingFirstAttempt(String url, String authorization) throws Exception {
        return async5(Async5FailingFirstAttempt.CLIENT, url, authorization, null);
    }

    static int classic4(String url, String authorization) throws Exception {
        return classic4(Classic4.CLIENT, url, authorization);
    }

    static int classic4(org.apache.http.impl.client.CloseableHttpClient client, String url, String authorization) throws Exception {
        return classic4(client, url, authorization, org.apache.http.client.protocol.HttpClientContext.create());
    }

    private static int classic4(org.apache.http.impl.client.CloseableHttpClient client, String url, String authorization,
                                org.apache.http.client.protocol.HttpClientContext context) throws Exception {
        HttpGet get = new HttpGet(url);
        if (authorization != null) {
            get.setHeader("Authorization", authorization);
        }
        try (CloseableHttpResponse response = client.execute(get, context)) {
            EntityUtils.consume(response.getEntity());
            return response.getStatusLine().getStatusCode();
        }
    }

    /**
     * Calls a port where nothing listens on an allowed host (the hop fails before its send), then
     * {@code url}, on one context the application keeps; fails if any attribute of the agent's
     * ({@link #AGENT_ATTRIBUTES}) is left in the context after either.
     */
    static int classic4OnAKeptContext(String url, String authorization) throws Exception {
        org.apache.http.client.protocol.HttpClientContext context = org.apache.http.client.protocol.HttpClientContext.create();
        try {
            classic4(Classic4.CLIENT, "http://localhost:1/refused", authorization, context);
            throw new IllegalStateException("a connection to port 1 succeeded");
        } catch (java.io.IOException expected) {
            assertNoAgentAttribute(context::getAttribute, "after a failed hop");
        }
        int status = classic4(Classic4.CLIENT, url, authorization, context);
        assertNoAgentAttribute(context::getAttribute, "after a call");
        return status;
    }

    /** {@link #classic4OnAKeptContext} with the classic 5 client. */
    static int classic5OnAKeptContext(String url, String authorization) throws Exception {
        org.apache.hc.client5.http.protocol.HttpClientContext context = org.apache.hc.client5.http.protocol.HttpClientContext.create();
        try {
            Classic5.CLIENT.execute(new org.apache.hc.client5.http.classic.methods.HttpGet("http://localhost:1/refused"), context,
                    response -> response.getCode());
            throw new IllegalStateException("a connection to port 1 succeeded");
        } catch (java.io.IOException expected) {
            assertNoAgentAttribute(context::getAttribute, "after a failed hop");
        }
        int status = classic5(Classic5.CLIENT, url, authorization, context);
        assertNoAgentAttribute(context::getAttribute, "after a call");
        return status;
    }

    /** The context attributes the agent uses while a request is on its way. */
    static final java.util.List<String> AGENT_ATTRIBUTES = java.util.List.of("dev.jwtagent.hop-target", "dev.jwtagent.async-capture");

    private static void assertNoAgentAttribute(java.util.function.Function<String, Object> attribute, String when) {
        for (String name : AGENT_ATTRIBUTES) {
            if (attribute.apply(name) != null) {
                throw new IllegalStateException(name + " left in the application's context " + when);
            }
        }
    }

    static int classic4WithDefaultAuthorization(String url, String authorization) throws Exception {
        return classic4(Classic4WithDefaultAuthorization.CLIENT, url, authorization);
    }

    /**
     * The default client with Basic credentials ({@link #SERVICE_CREDENTIALS}) for the URI's host
     * sent preemptively: an auth cache in the request's context, as Apache's documentation shows.
     */
    static int classic4WithPreemptiveCredentials(String url, String authorization) throws Exception {
        return classic4(Classic4.CLIENT, url, authorization, preemptiveCredentials(url));
    }

    /** A context that has Basic credentials ({@link #SERVICE_CREDENTIALS}) for the URI's host sent preemptively. */
    private static org.apache.http.client.protocol.HttpClientContext preemptiveCredentials(String url) {
        java.net.URI uri = java.net.URI.create(url);
        org.apache.http.HttpHost target = new org.apache.http.HttpHost(uri.getHost(), uri.getPort(), uri.getScheme());
        org.apache.http.impl.client.BasicCredentialsProvider credentials = new org.apache.http.impl.client.BasicCredentialsProvider();
        credentials.setCredentials(new org.apache.http.auth.AuthScope(target),
                new org.apache.http.auth.UsernamePasswordCredentials("service", "secret"));
        org.apache.http.impl.client.BasicAuthCache authCache = new org.apache.http.impl.client.BasicAuthCache();
        authCache.put(target, new org.apache.http.impl.auth.BasicScheme());
        org.apache.http.client.protocol.HttpClientContext context = org.apache.http.client.protocol.HttpClientContext.create();
        context.setCredentialsProvider(credentials);
        context.setAuthCache(authCache);
        return context;
    }

    static int async4(String url, String authorization) throws Exception {
        return async4(Async4.CLIENT, url, authorization, null);
    }

    static int async4WithDefaultAuthorization(String url, String authorization) throws Exception {
        return async4(Async4WithDefaultAuthorization.CLIENT, url, authorization, null);
    }

    /** The default async client with the preemptive credentials of {@link #classic4WithPreemptiveCredentials}. */
    static int async4WithPreemptiveCredentials(String url, String authorization) throws Exception {
        HttpGet get = new HttpGet(url);
        if (authorization != null) {
            get.setHeader("Authorization", authorization);
        }
        HttpResponse response = Async4.CLIENT.execute(get, preemptiveCredentials(url), null).get(10, TimeUnit.SECONDS);
        EntityUtils.consume(response.getEntity());
        return response.getStatusLine().getStatusCode();
    }

    /** The request's URI names one host, the target given beside it another ({@code 127.0.0.1}, same port): the request goes to the target. */
    static int async4ExplicitTarget(String url, String authorization) throws Exception {
        return async4(Async4.CLIENT, url, authorization, "127.0.0.1");
    }

    /** The minimal client, which installs the request before its route. */
    static int async4Minimal(String url, String authorization) throws Exception {
        return async4(Async4Minimal.CLIENT, url, authorization, null);
    }

    /** The minimal client, with a target beside the request as {@link #async4ExplicitTarget}. */
    static int async4MinimalExplicitTarget(String url, String authorization) throws Exception {
        return async4(Async4Minimal.CLIENT, url, authorization, "127.0.0.1");
    }

    static int async4(org.apache.http.impl.nio.client.CloseableHttpAsyncClient client, String url, String authorization,
                              String targetHost) throws Exception {
        HttpGet get = new HttpGet(url);
        if (authorization != null) {
            get.setHeader("Authorization", authorization);
        }
        HttpResponse response = targetHost == null
                ? client.execute(get, null).get(10, TimeUnit.SECONDS)
                : client.execute(new org.apache.http.HttpHost(targetHost, get.getURI().getPort(), "http"), get, null).get(10, TimeUnit.SECONDS);
        EntityUtils.consume(response.getEntity());
        return response.getStatusLine().getStatusCode();
    }

    static int classic5(String url, String authorization) throws Exception {
        return classic5(Classic5.CLIENT, url, authorization);
    }

    static int classic5WithDefaultAuthorization(String url, String authorization) throws Exception {
        return classic5(Classic5WithDefaultAuthorization.CLIENT, url, authorization);
    }

    /**
     * Two calls with one context: the default client to {@code url}, then the minimal client (whose
     * send no ProtocolExec precedes) to the same server as {@code 127.0.0.1}. Answers the second status.
     */
    static int classic5ThenMinimalOnOneContext(String url, String authorization) throws Exception {
        org.apache.hc.client5.http.protocol.HttpClientContext context = org.apache.hc.client5.http.protocol.HttpClientContext.create();
        Classic5.CLIENT.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(url), context, response -> {
            org.apache.hc.core5.http.io.entity.EntityUtils.consume(response.getEntity());
            return response.getCode();
        });
        String elsewhere = url.replace("//localhost:", "//127.0.0.1:");
        return Minimal5.CLIENT.execute(new org.apache.hc.client5.http.classic.methods.HttpGet(elsewhere), context, response -> {
            org.apache.hc.core5.http.io.entity.EntityUtils.consume(response.getEntity());
            return response.getCode();
        });
    }

    static int classic5(CloseableHttpClient client, String url, String authorization) throws Exception {
        return classic5(client, url, authorization, null);
    }

    /** With {@code context} null, the client makes one for the call. */
    private static int classic5(CloseableHttpClient client, String url, String authorization,
                                org.apache.hc.core5.http.protocol.HttpContext context) throws Exception {
        org.apache.hc.client5.http.classic.methods.HttpGet get = new org.apache.hc.client5.http.classic.methods.HttpGet(url);
        if (authorization != null) {
            get.setHeader("Authorization", authorization);
        }
        return client.execute(get, context, response -> {
            org.apache.hc.core5.http.io.entity.EntityUtils.consume(response.getEntity());
            return response.getCode();
        });
    }

    static int async5(String url, String authorization) throws Exception {
        SimpleHttpRequest request = SimpleRequestBuilder.get(url).build();
        if (authorization != null) {
            request.setHeader("Authorization", authorization);
        }
        return Async5.CLIENT.execute(request, null).get(10, TimeUnit.SECONDS).getCode();
    }

    static int async5Http2(String url, String authorization) throws Exception {
        return async5(Async5Http2.CLIENT, url, authorization, null);
    }

    static int async5Http2WithDefaultAuthorization(String url, String authorization) throws Exception {
        return async5(Async5Http2WithDefaultAuthorization.CLIENT, url, authorization, null);
    }

    static int async5WithDefaultAuthorization(String url, String authorization) throws Exception {
        return async5(Async5WithDefaultAuthorization.CLIENT, url, authorization, null);
    }

    /**
     * The default async client with Basic credentials ({@link #SERVICE_CREDENTIALS}) for the URI's
     * host sent preemptively: a Basic scheme made preemptive and set in the request's context, as
     * Apache's documentation for 5.x shows.
     */
    static int async5WithPreemptiveCredentials(String url, String authorization) throws Exception {
        java.net.URI uri = java.net.URI.create(url);
        org.apache.hc.client5.http.impl.auth.BasicScheme basic = new org.apache.hc.client5.http.impl.auth.BasicScheme();
        basic.initPreemptive(new org.apache.hc.client5.http.auth.UsernamePasswordCredentials("service", "secret".toCharArray()));
        org.apache.hc.client5.http.protocol.HttpClientContext context = org.apache.hc.client5.http.protocol.HttpClientContext.create();
        context.resetAuthExchange(new org.apache.hc.core5.http.HttpHost(uri.getScheme(), uri.getHost(), uri.getPort()), basic);
        return async5(Async5.CLIENT, url, authorization, context);
    }

    static int async5(CloseableHttpAsyncClient client, String url, String authorization,
                              org.apache.hc.core5.http.protocol.HttpContext context) throws Exception {
        SimpleHttpRequest request = SimpleRequestBuilder.get(url).build();
        if (authorization != null) {
            request.setHeader("Authorization", authorization);
        }
        return client.execute(request, context, null).get(10, TimeUnit.SECONDS).getCode();
    }
}
