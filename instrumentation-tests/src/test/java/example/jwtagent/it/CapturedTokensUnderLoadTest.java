package example.jwtagent.it;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's table of captured tokens under load: eight callers, each with a token of its own, and
 * two without one, call at once through one client per asynchronous library shared by all of them,
 * each with several calls in flight; each call carries a marker of its caller and number. Every
 * request that arrives must carry exactly its own caller's token (none for a caller without one),
 * the {@code propagated} counter must move by exactly the calls with a token, and once the calls have
 * ended (answered, failed to connect, or cancelled) and their objects are collected, no capture of
 * these callers' tokens is left in the table and its count of token-and-target captures matches it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CapturedTokensUnderLoadTest {
    static final int TOKEN_CALLERS = 8;
    static final int TOKENLESS_CALLERS = 2;
    static final int CALLS_PER_CALLER = Integer.getInteger("it.load.calls", 60);
    /** For a client with two connections to the downstream host, where calls wait in turn. */
    static final int CALLS_PER_CALLER_ON_TWO_CONNECTIONS = 24;
    static final int IN_FLIGHT_PER_CALLER = 4;
    static final int ENDED_CALLS_PER_CALLER = 24;
    static final int REDIRECTED_CALLS_PER_CALLER = 20;

    TestServer service;
    MockWebServer http1;
    MockWebServer http2;
    final ConcurrentLinkedQueue<String[]> arrived = new ConcurrentLinkedQueue<>();
    int deadPort;

    @BeforeAll
    void start() throws Exception {
        // The agent publishes its metrics once it has seen a request.
        service = new TomcatJakartaServer(2);
        assertEquals(200, RawHttp.get(service.baseUrl(), "/echo").status);
        http1 = downstream(false);
        http2 = downstream(true);
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            deadPort = free.getLocalPort();
        }
    }

    @AfterAll
    void stop() throws Exception {
        Libraries.closeAll();
        service.close();
        http1.close();
        http2.close();
    }

    private MockWebServer downstream(boolean h2) throws IOException {
        MockWebServer server = new MockWebServer();
        if (h2) {
            server.setProtocols(List.of(okhttp3.Protocol.H2_PRIOR_KNOWLEDGE));
        }
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                String marker = request.getUrl().queryParameter("m") != null ? request.getUrl().queryParameter("m") : request.getHeaders().get("X-Marker");
                arrived.add(new String[] {marker, String.join(" | ", request.getHeaders().values("Authorization")), path});
                if (path.equals("/redirect")) {
                    return new MockResponse.Builder().code(302).setHeader("Location", "/final?m=" + marker).build();
                }
                int delay = request.getUrl().encodedPath().equals("/slow") ? 100 : 1 + (request.getUrl().encodedPath().hashCode() & 3);
                return new MockResponse.Builder().code(200).body("ok").headersDelay(delay, TimeUnit.MILLISECONDS).build();
            }
        });
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        return server;
    }

    private String url(String client, int port, String path) {
        return "http://localhost:" + port + path;
    }

    private int port(String client) {
        return client.endsWith("-http2") ? http2.getPort() : http1.getPort();
    }

    @ParameterizedTest
    @ValueSource(strings = {"apache4-async", "apache5-async", "apache5-async-http2", "apache5-async-two-connections", "okhttp-enqueue",
            "okhttp-enqueue-two-per-host", "webclient", "webclient-two-connections", "jdk-async"})
    void everyRequestCarriesItsOwnCallersTokenAndTheTableEmpties(String client) throws Exception {
        Map<String, String> tokens = new LinkedHashMap<>();
        List<String> callers = new ArrayList<>();
        for (int i = 0; i < TOKEN_CALLERS; i++) {
            String caller = client + "-caller" + i;
            tokens.put(caller, Tokens.valid(caller));
            callers.add(caller);
        }
        for (int i = 0; i < TOKENLESS_CALLERS; i++) {
            callers.add(client + "-nobody" + i);
        }
        LoadedCallers.Library library = Libraries.byName(client);
        // The default Apache 4 async client keeps two connections per route.
        int calls = client.startsWith("apache4") || client.contains("-two-") ? CALLS_PER_CALLER_ON_TWO_CONNECTIONS : CALLS_PER_CALLER;
        arrived.clear();
        Map<String, Long> before = Metrics.read();
        // Every call answered.
        LoadedCallers.run(callers, calls, IN_FLIGHT_PER_CALLER, (caller, call) -> {
            LoadedCallers.Started started = library.start(url(client, port(client), "/orders"), caller + "/" + call);
            return started.status;
        }, tokens);
        Thread.sleep(300);
        Map<String, Long> after = Metrics.read();
        List<String> problems = LoadedCallers.checkArrivals(tokens, arrived);
        int withToken = 0;
        for (String[] each : arrived) {
            withToken += each[1].isEmpty() ? 0 : 1;
        }
        assertEquals(List.of(), problems.subList(0, Math.min(problems.size(), 20)), client + ": " + problems.size() + " requests without exactly their own caller's token");
        assertEquals(callers.size() * calls, arrived.size(), client + ": requests that arrived");
        assertEquals(TOKEN_CALLERS * calls, withToken, client + ": requests that arrived with a token");
        assertEquals((long) withToken, after.get("propagated") - before.get("propagated"), client + ": propagated counted, before " + before + " after " + after);
        for (String counter : List.of("skipped.not_allowed", "skipped.expired", "skipped.already_set")) {
            assertEquals(before.get(counter), after.get(counter), client + ": " + counter);
        }

        // Half of the calls redirected to the same host: each first hop with its own caller's token, each hop that follows with it or none.
        arrived.clear();
        LoadedCallers.run(callers, REDIRECTED_CALLS_PER_CALLER, IN_FLIGHT_PER_CALLER,
                (caller, call) -> library.start(url(client, port(client), call % 2 == 0 ? "/redirect" : "/orders"), caller + "/redirected-" + call).status,
                tokens);
        Thread.sleep(300);
        problems = LoadedCallers.checkArrivals(tokens, arrived);
        assertEquals(List.of(), problems.subList(0, Math.min(problems.size(), 20)), client + ": " + problems.size() + " requests of redirected calls without their own caller's token");
        assertEquals(callers.size() * (REDIRECTED_CALLS_PER_CALLER + REDIRECTED_CALLS_PER_CALLER / 2), arrived.size(), client + ": requests of redirected calls that arrived");

        // Calls that end otherwise: a third cannot connect, a third is cancelled at once, a third is answered.
        arrived.clear();
        LoadedCallers.run(callers, ENDED_CALLS_PER_CALLER, IN_FLIGHT_PER_CALLER, (caller, call) -> {
            String marker = caller + "/ended-" + call;
            if (call % 3 == 0) {
                LoadedCallers.Started started = library.start(url(client, deadPort, "/refused"), marker);
                return started.status.handle((status, fault) -> 0);
            }
            if (call % 3 == 1) {
                LoadedCallers.Started started = library.start(url(client, port(client), "/slow"), marker);
                started.cancel.run();
                return started.status.handle((status, fault) -> 0);
            }
            return library.start(url(client, port(client), "/orders"), marker).status;
        }, tokens);
        Thread.sleep(800);
        problems = LoadedCallers.checkArrivals(tokens, arrived);
        assertEquals(List.of(), problems.subList(0, Math.min(problems.size(), 20)), client + ": " + problems.size() + " requests without exactly their own caller's token");

        List<String> left = LoadedCallers.Table.leftAfterCollection(tokens);
        assertEquals(List.of(), left, client + ": captures left in the table for calls that have ended");
        assertEquals(LoadedCallers.Table.tokenAndTargetEntries(), LoadedCallers.Table.tokenAndTargetCount(), client + ": the count of token-and-target captures");
    }

    /** The reading of the table finds a capture whose owner is still held, and not once it is gone. */
    @org.junit.jupiter.api.Test
    void theTableIsReadAsItIs() throws Exception {
        Map<String, String> tokens = Map.of("held", Tokens.valid("held"));
        Object[] owner = {new Object()};
        CurrentToken.with(tokens.get("held"), () -> LoadedCallers.Table.bridge().getMethod("captureTokenFor", Object.class, Object.class)
                .invoke(null, owner[0], "target"));
        assertEquals(List.of("TokenAndTarget of held"), LoadedCallers.Table.leftAfterCollection(tokens));
        assertEquals(LoadedCallers.Table.tokenAndTargetEntries(), LoadedCallers.Table.tokenAndTargetCount());
        assertTrue(LoadedCallers.Table.tokenAndTargetCount() > 0);
        java.lang.ref.Reference.reachabilityFence(owner[0]);
        owner[0] = null;
        assertEquals(List.of(), LoadedCallers.Table.leftAfterCollection(tokens));
        assertEquals(LoadedCallers.Table.tokenAndTargetEntries(), LoadedCallers.Table.tokenAndTargetCount());
    }

    /**
     * One request object of the application's, sent by every caller at once through the Apache 5 async
     * client (an application may keep one fixed request, such as a health check, and send it from
     * anywhere): each token arrives exactly as often as its caller sent it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"apache5-async", "apache5-async-http2"})
    void oneRequestObjectSentByEveryCallerCarriesEachCallersOwnToken(String client) throws Exception {
        Map<String, String> tokens = new LinkedHashMap<>();
        List<String> callers = new ArrayList<>();
        for (int i = 0; i < TOKEN_CALLERS; i++) {
            String caller = client + "-shared-request-caller" + i;
            tokens.put(caller, Tokens.valid(caller));
            callers.add(caller);
        }
        for (int i = 0; i < TOKENLESS_CALLERS; i++) {
            callers.add(client + "-shared-request-nobody" + i);
        }
        org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient shared = client.endsWith("-http2")
                ? org.apache.hc.client5.http.impl.async.HttpAsyncClients.createHttp2Default()
                : org.apache.hc.client5.http.impl.async.HttpAsyncClients.createDefault();
        shared.start();
        org.apache.hc.client5.http.async.methods.SimpleHttpRequest request =
                org.apache.hc.client5.http.async.methods.SimpleRequestBuilder.get(url(client, port(client), "/health")).build();
        int calls = 100;
        arrived.clear();
        try {
            LoadedCallers.run(callers, calls, IN_FLIGHT_PER_CALLER, (caller, call) -> {
                CompletableFuture<Integer> status = new CompletableFuture<>();
                shared.execute(request, new org.apache.hc.core5.concurrent.FutureCallback<org.apache.hc.client5.http.async.methods.SimpleHttpResponse>() {
                    @Override
                    public void completed(org.apache.hc.client5.http.async.methods.SimpleHttpResponse response) {
                        status.complete(response.getCode());
                    }

                    @Override
                    public void failed(Exception fault) {
                        status.completeExceptionally(fault);
                    }

                    @Override
                    public void cancelled() {
                        status.cancel(false);
                    }
                });
                return status;
            }, tokens);
        } finally {
            shared.close();
        }
        Thread.sleep(300);
        Map<String, Integer> byToken = new java.util.TreeMap<>();
        for (String[] each : arrived) {
            String whose = each[1].isEmpty() ? "none" : "somebody";
            for (Map.Entry<String, String> token : tokens.entrySet()) {
                if (each[1].equals("Bearer " + token.getValue())) {
                    whose = token.getKey();
                }
            }
            byToken.merge(whose, 1, Integer::sum);
        }
        Map<String, Integer> expected = new java.util.TreeMap<>();
        for (String caller : tokens.keySet()) {
            expected.put(caller, calls);
        }
        expected.put("none", TOKENLESS_CALLERS * calls);
        assertEquals(expected, byToken, client + ": requests that arrived with each caller's token");
        assertEquals(List.of(), LoadedCallers.Table.leftAfterCollection(tokens), client + ": captures left in the table");
    }

    /** Jetty 12's client, in a child JVM (this module runs a Jetty 9.4 server), with its default connections per destination and with two. */
    @ParameterizedTest
    @ValueSource(ints = {64, 2})
    void jetty12EveryRequestCarriesItsOwnCallersTokenAndTheTableEmpties(int connections) throws Exception {
        Map<String, String> tokens = new LinkedHashMap<>();
        int calls = connections == 2 ? CALLS_PER_CALLER_ON_TWO_CONNECTIONS : 150;
        ChildJvm.Builder child = ChildJvm.main(CapturedTokensUnderLoadJetty12Child.class).classPath(ChildJvm.libsAndTestClasses("jetty12"))
                .argument(Integer.toString(http1.getPort())).argument(Integer.toString(deadPort))
                .argument(Integer.toString(calls)).argument(Integer.toString(ENDED_CALLS_PER_CALLER))
                .argument(Integer.toString(connections));
        for (int i = 0; i < TOKEN_CALLERS; i++) {
            String token = Tokens.valid("jetty12-caller" + i);
            tokens.put("jetty12-caller" + i, token);
            child.argument(token);
        }
        arrived.clear();
        String output;
        try (ChildJvm running = child.start()) {
            output = running.output();
        }
        Thread.sleep(300);
        List<String> problems = LoadedCallers.checkArrivals(tokens, arrived);
        assertEquals(List.of(), problems.subList(0, Math.min(problems.size(), 20)), "jetty12: " + problems.size() + " requests without exactly their own caller's token");
        int answered = 0;
        for (String[] each : arrived) {
            answered += each[0] != null && !each[0].contains("/ended-") && !each[0].contains("/redirected-") ? 1 : 0;
        }
        assertEquals((TOKEN_CALLERS + TOKENLESS_CALLERS) * calls, answered, "jetty12: requests that arrived");
        assertTrue(output.contains("LEFT []\n"), "jetty12: captures left in the table for calls that have ended: " + output);
        assertTrue(output.matches("(?s).*COUNT (\\d+) \\1\n.*"), "jetty12: the count of token-and-target captures: " + output);
    }

    /** One client per library, shared by every caller. */
    static final class Libraries {
        private static final Map<String, LoadedCallers.Library> MADE = new HashMap<>();
        private static final List<AutoCloseable> TO_CLOSE = new ArrayList<>();

        static synchronized LoadedCallers.Library byName(String name) throws Exception {
            LoadedCallers.Library made = MADE.get(name);
            if (made == null) {
                made = make(name);
                MADE.put(name, made);
            }
            return made;
        }

        static synchronized void closeAll() {
            for (AutoCloseable each : TO_CLOSE) {
                try {
                    each.close();
                } catch (Exception ignored) {
                    // Closing only.
                }
            }
        }

        private static LoadedCallers.Library make(String name) throws Exception {
            switch (name) {
                case "apache4-async":
                    return apache4();
                case "apache5-async":
                    return apache5(org.apache.hc.client5.http.impl.async.HttpAsyncClients.createDefault());
                case "apache5-async-http2":
                    return apache5(org.apache.hc.client5.http.impl.async.HttpAsyncClients.createHttp2Default());
                case "apache5-async-two-connections":
                    // Calls wait for a pooled connection, handed over on whichever thread releases one.
                    return apache5(org.apache.hc.client5.http.impl.async.HttpAsyncClients.custom()
                            .setConnectionManager(org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder.create()
                                    .setMaxConnPerRoute(2).setMaxConnTotal(2).build())
                            .build());
                case "okhttp-enqueue":
                    return okHttp(5);
                case "okhttp-enqueue-two-per-host":
                    // Waiting calls are started by the thread that ends another caller's call.
                    return okHttp(2);
                case "webclient":
                    return webClient(reactor.netty.http.client.HttpClient.create());
                case "webclient-two-connections":
                    // Waiting exchanges are given a connection on the event loop that released it.
                    return webClient(reactor.netty.http.client.HttpClient.create(
                            reactor.netty.resources.ConnectionProvider.builder("two").maxConnections(2).pendingAcquireMaxCount(-1).build()));
                case "jdk-async":
                    return jdk();
                default:
                    throw new IllegalArgumentException(name);
            }
        }

        private static LoadedCallers.Library apache4() {
            org.apache.http.impl.nio.client.CloseableHttpAsyncClient client = org.apache.http.impl.nio.client.HttpAsyncClients.createDefault();
            client.start();
            TO_CLOSE.add(client);
            return (url, marker) -> {
                org.apache.http.client.methods.HttpGet get = new org.apache.http.client.methods.HttpGet(url);
                get.setHeader("X-Marker", marker);
                CompletableFuture<Integer> status = new CompletableFuture<>();
                Future<org.apache.http.HttpResponse> running = client.execute(get, new org.apache.http.concurrent.FutureCallback<org.apache.http.HttpResponse>() {
                    @Override
                    public void completed(org.apache.http.HttpResponse response) {
                        try {
                            org.apache.http.util.EntityUtils.consume(response.getEntity());
                        } catch (IOException ignored) {
                            // The status is what counts.
                        }
                        status.complete(response.getStatusLine().getStatusCode());
                    }

                    @Override
                    public void failed(Exception fault) {
                        status.completeExceptionally(fault);
                    }

                    @Override
                    public void cancelled() {
                        status.cancel(false);
                    }
                });
                return new LoadedCallers.Started(status, () -> running.cancel(true));
            };
        }

        private static LoadedCallers.Library apache5(org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient client) {
            client.start();
            TO_CLOSE.add(client);
            return (url, marker) -> {
                org.apache.hc.client5.http.async.methods.SimpleHttpRequest request =
                        org.apache.hc.client5.http.async.methods.SimpleRequestBuilder.get(url).build();
                request.setHeader("X-Marker", marker);
                CompletableFuture<Integer> status = new CompletableFuture<>();
                Future<?> running = client.execute(request,
                        new org.apache.hc.core5.concurrent.FutureCallback<org.apache.hc.client5.http.async.methods.SimpleHttpResponse>() {
                            @Override
                            public void completed(org.apache.hc.client5.http.async.methods.SimpleHttpResponse response) {
                                status.complete(response.getCode());
                            }

                            @Override
                            public void failed(Exception fault) {
                                status.completeExceptionally(fault);
                            }

                            @Override
                            public void cancelled() {
                                status.cancel(false);
                            }
                        });
                return new LoadedCallers.Started(status, () -> running.cancel(true));
            };
        }

        private static LoadedCallers.Library okHttp(int perHost) {
            okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
            dispatcher.setMaxRequestsPerHost(perHost);
            okhttp3.OkHttpClient client = new okhttp3.OkHttpClient.Builder().dispatcher(dispatcher).build();
            TO_CLOSE.add(() -> {
                client.dispatcher().executorService().shutdown();
                client.connectionPool().evictAll();
            });
            return (url, marker) -> {
                okhttp3.Call call = client.newCall(new okhttp3.Request.Builder().url(url).header("X-Marker", marker).build());
                CompletableFuture<Integer> status = new CompletableFuture<>();
                call.enqueue(new okhttp3.Callback() {
                    @Override
                    public void onFailure(okhttp3.Call failed, IOException fault) {
                        status.completeExceptionally(fault);
                    }

                    @Override
                    public void onResponse(okhttp3.Call answered, okhttp3.Response response) {
                        try (okhttp3.Response r = response) {
                            r.body().string();
                            status.complete(r.code());
                        } catch (IOException fault) {
                            status.completeExceptionally(fault);
                        }
                    }
                });
                return new LoadedCallers.Started(status, call::cancel);
            };
        }

        private static LoadedCallers.Library webClient(reactor.netty.http.client.HttpClient reactor) {
            org.springframework.web.reactive.function.client.WebClient client = org.springframework.web.reactive.function.client.WebClient.builder()
                    .clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(reactor.followRedirect(true)))
                    .build();
            return (url, marker) -> {
                CompletableFuture<Integer> status = new CompletableFuture<>();
                reactor.core.Disposable running = client.get().uri(URI.create(url)).header("X-Marker", marker).retrieve().toBodilessEntity()
                        .timeout(Duration.ofSeconds(20))
                        .subscribe(entity -> status.complete(entity.getStatusCode().value()), status::completeExceptionally,
                                () -> status.complete(0));
                return new LoadedCallers.Started(status, () -> {
                    running.dispose();
                    status.cancel(false);
                });
            };
        }

        private static LoadedCallers.Library jdk() {
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().followRedirects(java.net.http.HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();
            return (url, marker) -> {
                CompletableFuture<java.net.http.HttpResponse<Void>> running = client.sendAsync(
                        java.net.http.HttpRequest.newBuilder(URI.create(url)).header("X-Marker", marker).GET().build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding());
                return new LoadedCallers.Started(running.thenApply(java.net.http.HttpResponse::statusCode), () -> running.cancel(true));
            };
        }
    }

    /** The agent's counters, from its MBean. */
    static final class Metrics {
        static Map<String, Long> read() throws Exception {
            MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("jwt.agent:type=Metrics");
            Map<String, Long> values = new HashMap<>();
            for (javax.management.MBeanAttributeInfo attribute : beans.getMBeanInfo(name).getAttributes()) {
                values.put(attribute.getName(), (Long) beans.getAttribute(name, attribute.getName()));
            }
            return values;
        }
    }


}
