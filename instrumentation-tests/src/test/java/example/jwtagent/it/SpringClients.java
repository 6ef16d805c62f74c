package example.jwtagent.it;

import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Spring's {@code RestTemplate} and {@code RestClient} over each request factory, and
 * {@code WebClient} on Reactor Netty. Every factory is set to follow redirects, as its client
 * would by default or as an application that wants redirects would configure it.
 */
final class SpringClients {
    private static final Map<String, RestTemplate> TEMPLATES = new ConcurrentHashMap<>();
    private static final Map<String, RestClient> REST_CLIENTS = new ConcurrentHashMap<>();
    private static final WebClient WEB_CLIENT = WebClient.builder()
            .clientConnector(new ReactorClientHttpConnector(HttpClient.create().followRedirect(true)))
            .build();

    private SpringClients() {
    }

    /** {@code simple} (HttpURLConnection), {@code jdk}, {@code apache5}, {@code okhttp} or {@code reactor}. */
    @SuppressWarnings("removal")
    private static ClientHttpRequestFactory factory(String name) {
        switch (name) {
            case "simple":
                return new SimpleClientHttpRequestFactory();
            case "jdk":
                return new JdkClientHttpRequestFactory(java.net.http.HttpClient.newBuilder()
                        .followRedirects(java.net.http.HttpClient.Redirect.NORMAL).build());
            case "apache5":
                return new HttpComponentsClientHttpRequestFactory();
            case "okhttp":
                return new org.springframework.http.client.OkHttp3ClientHttpRequestFactory();
            case "reactor":
                return new ReactorClientHttpRequestFactory(HttpClient.create().followRedirect(true));
            default:
                throw new IllegalArgumentException("no request factory named " + name);
        }
    }

    private static HttpHeaders headers(String authorization) {
        HttpHeaders headers = new HttpHeaders();
        if (authorization != null) {
            headers.set(HttpHeaders.AUTHORIZATION, authorization);
        }
        return headers;
    }

    static int restTemplate(String factory, String url, String authorization) {
        RestTemplate template = TEMPLATES.computeIfAbsent(factory, name -> new RestTemplate(factory(name)));
        return template.exchange(url, org.springframework.http.HttpMethod.GET,
                new org.springframework.http.HttpEntity<>(headers(authorization)), String.class).getStatusCode().value();
    }

    static int restClient(String factory, String url, String authorization) {
        RestClient client = REST_CLIENTS.computeIfAbsent(factory, name -> RestClient.builder().requestFactory(factory(name)).build());
        return client.get().uri(url).headers(h -> h.addAll(headers(authorization))).retrieve().toBodilessEntity()
                .getStatusCode().value();
    }

    static int webClientBlock(String url, String authorization) {
        return webClientBlock(WEB_CLIENT, url, authorization);
    }

    /** {@link #webClientBlock} on a client of its own whose Reactor Netty client has the forward proxy of {@link DownstreamClients#forwardProxy()}. */
    static int webClientBlockThroughProxy(String url, String authorization) {
        java.net.InetSocketAddress proxy = DownstreamClients.forwardProxy();
        HttpClient client = HttpClient.create().proxy(spec -> spec.type(reactor.netty.transport.ProxyProvider.Proxy.HTTP)
                .host(proxy.getHostString()).port(proxy.getPort()));
        return webClientBlock(WebClient.builder().clientConnector(new ReactorClientHttpConnector(client)).build(), url, authorization);
    }

    private static int webClientBlock(WebClient webClient, String url, String authorization) {
        return webClient.get().uri(url).headers(h -> h.addAll(headers(authorization))).retrieve().toBodilessEntity()
                .block(Duration.ofSeconds(10)).getStatusCode().value();
    }

    /** As {@link #webClientBlock}, subscribed on Reactor's bounded elastic scheduler ({@code subscribeOn}). */
    static int webClientSubscribedOnBoundedElastic(String url, String authorization) {
        return WEB_CLIENT.get().uri(url).headers(h -> h.addAll(headers(authorization))).retrieve().toBodilessEntity()
                .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())
                .block(Duration.ofSeconds(10)).getStatusCode().value();
    }

    /** Calls {@code url}, then, once its answer is in, the URL in its {@code then} parameter ({@code flatMap}); waits for both. */
    static int webClientThenChained(String url, String authorization) {
        String then = JdkHeldExchanges.then(url);
        return WEB_CLIENT.get().uri(url).headers(h -> h.addAll(headers(authorization))).retrieve().toBodilessEntity()
                .flatMap(first -> WEB_CLIENT.get().uri(then).retrieve().toBodilessEntity())
                .block(Duration.ofSeconds(10)).getStatusCode().value();
    }

    /**
     * Calls {@code url} and takes its first answer as a failure, as an application that checks the
     * body would; {@code retryWhen} with a backoff then subscribes again, once. Waits for the second.
     */
    static int webClientRetriedAfterItsAnswer(String url, String authorization) {
        java.util.concurrent.atomic.AtomicInteger answers = new java.util.concurrent.atomic.AtomicInteger();
        return WEB_CLIENT.get().uri(url).headers(h -> h.addAll(headers(authorization))).retrieve().toBodilessEntity()
                .flatMap(entity -> answers.getAndIncrement() == 0
                        ? reactor.core.publisher.Mono.<org.springframework.http.ResponseEntity<Void>>error(new IllegalStateException("first answer refused"))
                        : reactor.core.publisher.Mono.just(entity))
                .retryWhen(reactor.util.retry.Retry.backoff(1, Duration.ofMillis(10)))
                .block(Duration.ofSeconds(10)).getStatusCode().value();
    }

    /**
     * A first attempt that never answers, timed out by {@code timeout} (Reactor's timer, started as
     * the request subscribes), then {@code retryWhen} with a backoff, whose second attempt calls
     * {@code url}. Waits for it.
     */
    static int webClientRetriedAfterATimeout(String url, String authorization) {
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        return reactor.core.publisher.Mono.defer(() -> attempts.getAndIncrement() == 0
                        ? reactor.core.publisher.Mono.<org.springframework.http.ResponseEntity<Void>>never().timeout(Duration.ofMillis(200))
                        : WEB_CLIENT.get().uri(url).headers(h -> h.addAll(headers(authorization))).retrieve().toBodilessEntity())
                .retryWhen(reactor.util.retry.Retry.backoff(1, Duration.ofMillis(10)))
                .block(Duration.ofSeconds(10)).getStatusCode().value();
    }

    /**
     * Starts {@code Flux.interval} on Reactor's parallel scheduler, whose two ticks each call the URL
     * in {@code url}'s {@code then} parameter, and answers at once: the ticks come after the request.
     */
    static int webClientEveryTickOfAnInterval(String url, String authorization) {
        String then = JdkHeldExchanges.then(url);
        reactor.core.publisher.Flux.interval(Duration.ofMillis(300)).take(2)
                .concatMap(tick -> WEB_CLIENT.get().uri(then).retrieve().toBodilessEntity())
                .subscribe();
        return 200;
    }

    /** Subscribes on the request's thread and waits for the answer that arrives on an event loop. */
    static int webClientSubscribe(String url, String authorization) throws Exception {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        WEB_CLIENT.get().uri(url).headers(h -> h.addAll(headers(authorization))).retrieve().toBodilessEntity()
                .subscribe(entity -> status.complete(entity.getStatusCode().value()), status::completeExceptionally);
        return status.get(10, TimeUnit.SECONDS);
    }
}
