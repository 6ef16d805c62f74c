package example.jwtagent.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP clients a test service can call downstream with, by name. Each makes a GET to
 * {@code url}, sets {@code Authorization} itself when {@code authorization} is not null, follows
 * redirects the client's usual way, and returns the final status.
 */
public final class DownstreamClients {
    /** Calls one URL; returns the HTTP status. */
    public interface Client {
        int get(String url, String authorization) throws Exception;
    }

    private static final HttpClient JDK = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    private static final Map<String, Client> CLIENTS = new LinkedHashMap<>();

    static {
        CLIENTS.put("url-connection", DownstreamClients::urlConnection);
        CLIENTS.put("reactor-new-evicting-pool", (url, auth) -> ReactorEvictionTimer.callOnANewEvictingPool(url, auth));
        CLIENTS.put("reactor-new-evicting-pool-h2c", (url, auth) -> ReactorEvictionTimer.callOnANewEvictingHttp2Pool(url, auth));
        CLIENTS.put("reactor-new-provider-disposing-inactive-pools", (url, auth) -> ReactorInactivePools.callOnANewProvider(url, auth));
        CLIENTS.put("reactor-new-bounded-elastic-evicting", (url, auth) -> ReactorBoundedElastic.runOneTaskOnANewScheduler(url, auth));
        CLIENTS.put("url-connection-https", (url, auth) -> TestTls.urlConnectionGet(url, auth));
        CLIENTS.put("okhttp-https-shared", (url, auth) -> Http2OverTlsClients.okHttp(url, auth));
        CLIENTS.put("reactor-https-shared", (url, auth) -> Http2OverTlsClients.reactor(url, auth));
        CLIENTS.put("jdk-send-https-shared", (url, auth) -> TestTls.jdkClient().send(jdkRequest(url, auth), HttpResponse.BodyHandlers.discarding()).statusCode());
        CLIENTS.put("jdk-send", (url, auth) -> JDK.send(jdkRequest(url, auth), HttpResponse.BodyHandlers.discarding()).statusCode());
        CLIENTS.put("jdk-async", (url, auth) -> JDK.sendAsync(jdkRequest(url, auth), HttpResponse.BodyHandlers.discarding()).get().statusCode());
        CLIENTS.put("jdk-async-held-then-call-on-error", (url, auth) -> JdkHeldExchanges.start(url, auth));
        CLIENTS.put("jdk-shutdown-now-of-the-held-then-call", (url, auth) -> JdkHeldExchanges.shutdownNowThenCall(url, auth));
        CLIENTS.put("jdk-async-telling-the-executor-to-refuse", (url, auth) -> JdkHeldExchanges.sendTellingTheExecutorToRefuse(url, auth));
        CLIENTS.put("jdk-async-calling-from-each-callback", (url, auth) -> JdkHeldExchanges.sendCallingFromEachCallback(url, auth));
        // Each library's calls live in a class of its own, loaded on first use: a child JVM whose
        // class path has only some of these libraries (another OkHttp, Jetty 12) can still use the rest.
        CLIENTS.put("apache4", (url, auth) -> ApacheClients.classic4(url, auth));
        CLIENTS.put("apache4-async", (url, auth) -> ApacheClients.async4(url, auth));
        CLIENTS.put("apache4-default-authorization", (url, auth) -> ApacheClients.classic4WithDefaultAuthorization(url, auth));
        CLIENTS.put("apache4-async-explicit-target", (url, auth) -> ApacheClients.async4ExplicitTarget(url, auth));
        CLIENTS.put("apache4-preemptive-credentials", (url, auth) -> ApacheClients.classic4WithPreemptiveCredentials(url, auth));
        CLIENTS.put("apache4-async-default-authorization", (url, auth) -> ApacheClients.async4WithDefaultAuthorization(url, auth));
        CLIENTS.put("apache4-async-preemptive-credentials", (url, auth) -> ApacheClients.async4WithPreemptiveCredentials(url, auth));
        CLIENTS.put("apache4-async-minimal", (url, auth) -> ApacheClients.async4Minimal(url, auth));
        CLIENTS.put("apache4-async-minimal-explicit-target", (url, auth) -> ApacheClients.async4MinimalExplicitTarget(url, auth));
        CLIENTS.put("apache5-default-authorization", (url, auth) -> ApacheClients.classic5WithDefaultAuthorization(url, auth));
        CLIENTS.put("apache4-httpcore-in-parent-loader", (url, auth) -> SplitLoaderClients.classic4(url, auth));
        CLIENTS.put("apache5-async-httpcore-in-parent-loader", (url, auth) -> SplitLoaderClients.async5(url, auth));
        CLIENTS.put("apache5-async-retried", (url, auth) -> ApacheClients.async5FailingFirstAttempt(url, auth));
        CLIENTS.put("apache5-async-one-connection", (url, auth) -> ApacheClients.async5OneConnection(url, auth));
        CLIENTS.put("apache5-async-queued-behind-another", (url, auth) -> ApacheClients.async5QueuedBehindAnother(url, auth));
        CLIENTS.put("apache4-async-one-connection", (url, auth) -> ApacheClients.async4OneConnection(url, auth));
        CLIENTS.put("apache5-then-minimal", (url, auth) -> ApacheClients.classic5ThenMinimalOnOneContext(url, auth));
        CLIENTS.put("apache5", (url, auth) -> ApacheClients.classic5(url, auth));
        CLIENTS.put("apache4-on-a-kept-context", (url, auth) -> ApacheClients.classic4OnAKeptContext(url, auth));
        CLIENTS.put("apache5-on-a-kept-context", (url, auth) -> ApacheClients.classic5OnAKeptContext(url, auth));
        CLIENTS.put("apache5-async", (url, auth) -> ApacheClients.async5(url, auth));
        CLIENTS.put("apache5-async-http2", (url, auth) -> ApacheClients.async5Http2(url, auth));
        CLIENTS.put("apache5-async-http2-default-authorization", (url, auth) -> ApacheClients.async5Http2WithDefaultAuthorization(url, auth));
        CLIENTS.put("apache5-async-default-authorization", (url, auth) -> ApacheClients.async5WithDefaultAuthorization(url, auth));
        CLIENTS.put("apache5-async-preemptive-credentials", (url, auth) -> ApacheClients.async5WithPreemptiveCredentials(url, auth));
        CLIENTS.put("okhttp", (url, auth) -> OkHttpClients.execute(url, auth));
        CLIENTS.put("okhttp-async", (url, auth) -> OkHttpClients.enqueue(url, auth));
        CLIENTS.put("okhttp-async-one-per-host-then-nested", (url, auth) -> OkHttpClients.enqueueOnePerHostThenCallFromTheCallback(url, auth));
        CLIENTS.put("okhttp-reusing-the-last-calls-request", (url, auth) -> OkHttpClients.executeReusingTheLastCallsRequest(url, auth));
        CLIENTS.put("okhttp-reusing-the-answered-requests", (url, auth) -> OkHttpClients.executeThenReuseTheAnsweredRequests(url, auth));
        CLIENTS.put("okhttp-clone-of-the-first-call", (url, auth) -> OkHttpClients.executeCloneOfTheFirstCall(url, auth));
        CLIENTS.put("okhttp-answering-challenges-as-documented", (url, auth) -> OkHttpClients.executeAnsweringChallenges(url, auth));
        CLIENTS.put("okhttp-async-then-call-from-the-callback", (url, auth) -> OkHttpClients.enqueueThenCallFromTheCallback(url, auth));
        CLIENTS.put("okhttp-websocket-closed-by-the-server-then-call", (url, auth) -> OkHttpClients.openAWebSocketTheServerClosesThenCall(url, auth));
        CLIENTS.put("okhttp-cached", (url, auth) -> OkHttpClients.executeCached(url, auth));
        for (String kind : List.of("host-rewritten", "credentials-if-absent", "traced", "rebuilt", "fails-over")) {
            CLIENTS.put("okhttp-interceptor-" + kind, (url, auth) -> OkHttpClients.execute(OkHttpClients.withInterceptor(kind), url, auth));
            CLIENTS.put("okhttp-async-interceptor-" + kind, (url, auth) -> OkHttpClients.enqueue(OkHttpClients.withInterceptor(kind), url, auth));
        }
        for (String kind : List.of("adds-credentials", "sets-credentials", "slow", "replays-the-first-hop")) {
            CLIENTS.put("okhttp-network-interceptor-" + kind, (url, auth) -> OkHttpClients.execute(OkHttpClients.withNetworkInterceptor(kind), url, auth));
        }
        for (String factory : List.of("simple", "jdk", "apache5", "okhttp", "reactor")) {
            CLIENTS.put("rest-template-" + factory, (url, auth) -> SpringClients.restTemplate(factory, url, auth));
            CLIENTS.put("rest-client-" + factory, (url, auth) -> SpringClients.restClient(factory, url, auth));
        }
        CLIENTS.put("webclient", (url, auth) -> SpringClients.webClientBlock(url, auth));
        CLIENTS.put("webclient-subscribe-on-bounded-elastic", (url, auth) -> SpringClients.webClientSubscribedOnBoundedElastic(url, auth));
        CLIENTS.put("reactor-netty-on-a-virtual-loop-then-chained", (url, auth) -> ReactorNettyVirtualLoop.callThenChained(url, auth));
        CLIENTS.put("webclient-then-chained", (url, auth) -> SpringClients.webClientThenChained(url, auth));
        CLIENTS.put("webclient-retried-after-its-answer", (url, auth) -> SpringClients.webClientRetriedAfterItsAnswer(url, auth));
        CLIENTS.put("webclient-retried-after-a-timeout", (url, auth) -> SpringClients.webClientRetriedAfterATimeout(url, auth));
        CLIENTS.put("webclient-every-tick-of-an-interval", (url, auth) -> SpringClients.webClientEveryTickOfAnInterval(url, auth));
        CLIENTS.put("webclient-subscribe", (url, auth) -> SpringClients.webClientSubscribe(url, auth));
        CLIENTS.put("jetty12", (url, auth) -> Jetty12Clients.send(url, auth));
        CLIENTS.put("jetty12-async", (url, auth) -> Jetty12Clients.sendAsync(url, auth));
        CLIENTS.put("apache5-async-lease", (url, auth) -> ApacheWaitingLeases.lease5(url, auth));
        CLIENTS.put("apache5-async-wait-then-call", (url, auth) -> ApacheWaitingLeases.wait5(url, auth));
        CLIENTS.put("apache5lax-async-lease", (url, auth) -> ApacheWaitingLeases.lease5Lax(url, auth));
        CLIENTS.put("apache5lax-async-wait-then-call", (url, auth) -> ApacheWaitingLeases.wait5Lax(url, auth));
        CLIENTS.put("apache5lax-async-lease-new-client", (url, auth) -> ApacheWaitingLeases.leaseFromANewLaxClient(url, auth));
        CLIENTS.put("apache5lax-async-wait-on-new-client-then-call", (url, auth) -> ApacheWaitingLeases.waitOnTheNewLaxClient(url, auth));
        CLIENTS.put("apache5lax-async-close-new-client-then-call", (url, auth) -> ApacheWaitingLeases.closeTheNewLaxClientThenCall(url, auth));
        CLIENTS.put("apache4-async-hold", (url, auth) -> ApacheWaitingLeases.hold4(url, auth));
        CLIENTS.put("apache4-async-wait-then-call", (url, auth) -> ApacheWaitingLeases.wait4(url, auth));
        CLIENTS.put("apache-async-let-go-then-call", (url, auth) -> ApacheWaitingLeases.letGoThenCall(url, auth));
        CLIENTS.put("okhttp-listener-enqueue", (url, auth) -> OkHttpDispatcherListeners.enqueue(url, auth));
        CLIENTS.put("okhttp-listener-cancel-all-then-call", (url, auth) -> OkHttpDispatcherListeners.cancelAllThenCall(url, auth));
        CLIENTS.put("jetty12-queued-behind-another", (url, auth) -> Jetty12Clients.sendQueuedBehindAnother(url, auth));
        CLIENTS.put("jetty12-queued-while-credentials-are-stored", (url, auth) -> Jetty12Clients.sendQueuedWhileCredentialsAreStored(url, auth));
        CLIENTS.put("jetty12-held-then-call-on-complete", (url, auth) -> Jetty12HeldExchanges.start(url, auth));
        CLIENTS.put("jetty12-stop-of-the-held-then-call", (url, auth) -> Jetty12HeldExchanges.stopThenCall(url, auth));
        CLIENTS.put("okhttp-async-waiting-then-call-on-failure", (url, auth) -> OkHttpWaitingCalls.start(url, auth));
        CLIENTS.put("okhttp-cancel-all-of-the-waiting-then-call", (url, auth) -> OkHttpWaitingCalls.cancelAllThenCall(url, auth));
        CLIENTS.put("reactor-waiting-then-call-on-error", (url, auth) -> ReactorWaitingExchanges.start(url, auth));
        CLIENTS.put("reactor-h2c-waiting-then-call-on-error", (url, auth) -> ReactorWaitingExchanges.startHttp2(url, auth));
        CLIENTS.put("reactor-pool-hold", (url, auth) -> ReactorObjectPool.hold(url, auth));
        CLIENTS.put("reactor-pool-wait-then-call", (url, auth) -> ReactorObjectPool.waitThenCall(url, auth));
        CLIENTS.put("reactor-pool-release-then-call", (url, auth) -> ReactorObjectPool.releaseThenCall(url, auth));
        CLIENTS.put("reactor-pool-dispose-then-call", (url, auth) -> ReactorObjectPool.disposeThenCall(url, auth));
        CLIENTS.put("reactor-pending-limit-then-call-on-error", (url, auth) -> ReactorPendingLimit.start(url, auth));
        CLIENTS.put("reactor-dispose-of-the-waiting-then-call", (url, auth) -> ReactorWaitingExchanges.disposeThenCall(url, auth, false));
        CLIENTS.put("reactor-blocking-dispose-of-the-waiting-then-call", (url, auth) -> ReactorWaitingExchanges.disposeThenCall(url, auth, true));
        CLIENTS.put("jetty12-stored-credentials", (url, auth) -> Jetty12Clients.sendWithStoredCredentials(url, auth));
        CLIENTS.put("jetty12-credentials-stored-for-another-path",
                (url, auth) -> Jetty12Clients.sendWithCredentialsStoredForAnotherPath(url, auth));
        CLIENTS.put("url-connection-through-proxy", (url, auth) -> ProxiedClients.urlConnection(url, auth));
        CLIENTS.put("jdk-send-through-proxy", (url, auth) -> ProxiedClients.jdkSend(url, auth));
        CLIENTS.put("jdk-async-through-proxy", (url, auth) -> ProxiedClients.jdkAsync(url, auth));
        CLIENTS.put("apache4-through-proxy", (url, auth) -> ProxiedClients.apache4(url, auth));
        CLIENTS.put("apache4-async-through-proxy", (url, auth) -> ProxiedClients.apache4Async(url, auth));
        CLIENTS.put("apache5-through-proxy", (url, auth) -> ProxiedClients.apache5(url, auth));
        CLIENTS.put("apache4-through-proxy-explicit-target", (url, auth) -> ProxiedClients.apache4ExplicitTarget(url, auth));
        CLIENTS.put("apache4-async-through-proxy-explicit-target", (url, auth) -> ProxiedClients.apache4AsyncExplicitTarget(url, auth));
        CLIENTS.put("apache5-through-proxy-explicit-target", (url, auth) -> ProxiedClients.apache5ExplicitTarget(url, auth));
        CLIENTS.put("apache5-async-through-proxy", (url, auth) -> ProxiedClients.apache5Async(url, auth));
        CLIENTS.put("okhttp-through-proxy", (url, auth) -> ProxiedClients.okHttp(url, auth));
        CLIENTS.put("okhttp-async-through-proxy", (url, auth) -> ProxiedClients.okHttpAsync(url, auth));
        CLIENTS.put("webclient-through-proxy", (url, auth) -> SpringClients.webClientBlockThroughProxy(url, auth));
        CLIENTS.put("url-connection-answering-challenge", (url, auth) -> ChallengeAnsweringClients.urlConnection(url, auth));
        CLIENTS.put("url-connection-answering-challenge-reused", (url, auth) -> ChallengeAnsweringClients.urlConnectionReused(url, auth));
        CLIENTS.put("url-connection-streaming-post-reused", (url, auth) -> ChallengeAnsweringClients.urlConnectionStreamingPostReused(url, auth));
        CLIENTS.put("jdk-send-answering-challenge", (url, auth) -> ChallengeAnsweringClients.jdkSend(url, auth));
        CLIENTS.put("jdk-send-answering-challenge-reused", (url, auth) -> ChallengeAnsweringClients.jdkSendReused(url, auth));
        CLIENTS.put("apache4-answering-challenge", (url, auth) -> ChallengeAnsweringClients.apache4(url, auth));
        CLIENTS.put("apache4-async-answering-challenge", (url, auth) -> ChallengeAnsweringClients.apache4Async(url, auth));
        CLIENTS.put("apache5-answering-challenge", (url, auth) -> ChallengeAnsweringClients.apache5(url, auth));
        CLIENTS.put("apache5-async-answering-challenge", (url, auth) -> ChallengeAnsweringClients.apache5Async(url, auth));
        CLIENTS.put("okhttp-answering-challenge", (url, auth) -> ChallengeAnsweringClients.okHttp(url, auth));
        CLIENTS.put("jetty12-answering-challenge", (url, auth) -> Jetty12Clients.sendAnsweringChallenge(url, auth));
        CLIENTS.put("jetty-scheduler-twice", (url, auth) -> JettySchedulers.scheduleTwiceThenCall(url, auth));
        CLIENTS.put("jdk-async-own-executor-shared", (url, auth) -> SharedClientsWithRedirects.Jdk.sendAsync(url, auth));
        CLIENTS.put("okhttp-async-one-connection-shared", (url, auth) -> SharedClientsWithRedirects.OkHttp.enqueue(url, auth));
        CLIENTS.put("reactor-one-connection-shared", (url, auth) -> SharedClientsWithRedirects.Reactor.get(url, auth));
        CLIENTS.put("reactor-one-connection-shared-retried", (url, auth) -> SharedClientsWithRedirects.Reactor.getRetried(url, auth, true));
        CLIENTS.put("jetty12-one-connection-shared", (url, auth) -> SharedClientsWithRedirects.Jetty12.send(url, auth));
        CLIENTS.put("jdk-async-own-executor-shared-then-nested", (url, auth) -> SharedClientsWithRedirects.Jdk.sendAsyncThenNested(url, auth));
        CLIENTS.put("reactor-one-connection-shared-then-nested", (url, auth) -> SharedClientsWithRedirects.Reactor.getThenNested(url, auth));
        CLIENTS.put("jetty12-one-connection-shared-then-nested", (url, auth) -> SharedClientsWithRedirects.Jetty12.sendThenNested(url, auth));
        CLIENTS.put("jetty12-own-executor-one-connection-shared", (url, auth) -> SharedClientsWithRedirects.Jetty12OwnExecutor.send(url, auth));
        CLIENTS.put("jetty12-own-executor-one-connection-shared-then-nested",
                (url, auth) -> SharedClientsWithRedirects.Jetty12OwnExecutor.sendThenNested(url, auth));
        CLIENTS.put("jetty12-through-proxy", (url, auth) -> Jetty12Clients.sendThroughProxy(url, auth));
    }

    private DownstreamClients() {
    }

    /** Names the forward proxy of the {@code *-through-proxy} clients: {@code host:port}. */
    static final String PROXY_PROPERTY = "it.forward-proxy";

    /** The forward proxy of the {@code *-through-proxy} clients, from {@link #PROXY_PROPERTY}. */
    static java.net.InetSocketAddress forwardProxy() {
        String proxy = System.getProperty(PROXY_PROPERTY);
        if (proxy == null) {
            throw new IllegalStateException("system property " + PROXY_PROPERTY + " not set");
        }
        int colon = proxy.lastIndexOf(':');
        return java.net.InetSocketAddress.createUnresolved(proxy.substring(0, colon), Integer.parseInt(proxy.substring(colon + 1)));
    }

    /** Every client name, in registration order. */
    public static List<String> names() {
        return List.copyOf(CLIENTS.keySet());
    }

    public static Client byName(String name) {
        Client client = CLIENTS.get(name);
        if (client == null && name.startsWith("form:") && name.split(":")[2].equals("jetty12")) {
            return (url, auth) -> JettyHeaderForms.get(name, url);
        }
        if (client == null && name.startsWith("form:")) {
            return (url, auth) -> HeaderForms.get(name, url);
        }
        if (client == null) {
            throw new IllegalArgumentException("no client named " + name + "; known: " + CLIENTS.keySet());
        }
        return client;
    }

    static int urlConnection(String url, String authorization) throws IOException {
        return urlConnection((HttpURLConnection) new URL(url).openConnection(), authorization);
    }

    /** Sends {@code connection}, not yet connected, with {@code authorization} when not null; reads the body; answers the status. */
    static int urlConnection(HttpURLConnection connection, String authorization) throws IOException {
        connection.setConnectTimeout(5000);
        connection.setReadTimeout(5000);
        if (authorization != null) {
            connection.setRequestProperty("Authorization", authorization);
        }
        int status = connection.getResponseCode();
        InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream();
        if (body != null) {
            body.readAllBytes();
            body.close();
        }
        return status;
    }

    static HttpRequest jdkRequest(String url, String authorization) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).GET();
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder.build();
    }
}
