package example.jwtagent.it;

import com.auth0.jwt.algorithms.Algorithm;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ServletContainer;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Undertow 2.3 over HTTP/2 in clear text (prior knowledge, and the h2c upgrade): many streams on one
 * connection, each with its own token (alice, bob), a forged one, or none, served by a servlet, a
 * filter, an {@code AsyncContext.start} task, an async dispatch, a {@code ReadListener} and a
 * {@code WriteListener} on few worker threads. Every stream is decided on its own token, the
 * application's code never runs with another stream's token, and each call downstream carries its
 * own stream's token (or none from the listeners, which run with none). Large responses, written by
 * tasks carrying their stream's token while other streams write theirs, wait for flow-control credit;
 * streams reset by the client (RST_STREAM) while their servlet calls downstream leave no token behind;
 * a refused upgrade (h2c) is a well-formed 401 on stream 1. The request bodies are small: Undertow
 * drains a body nothing read with a blocking read on the worker when the exchange ends, and with many
 * upload streams at once its workers then wait for data that the connection's flow-control window,
 * taken by the bodies of streams not yet served, holds back (so also without the agent, with a servlet
 * that answers a POST without reading it, or reads it blocking).
 */
class UndertowHttp2StreamsTest {
    private static final String FORGED = Tokens.signedWith(Algorithm.HMAC256("not-the-service-secret-not-the-service-secret"),
            "mallory", b -> { });
    private static final List<String> MODES = List.of("sync", "filter", "async-start", "dispatch", "read", "write", "big-async", "big-write");
    private static final List<String> WHO = List.of("alice", "bob", "forged", "none");

    /** The token each tag's request carried (null: none), as the test sent it. */
    private static final Map<String, String> SENT = new ConcurrentHashMap<>();
    /** Wherever the application ran with a token that is not its own stream's (nor none): tag and what it held. */
    private static final List<String> WRONG = Collections.synchronizedList(new ArrayList<>());
    private static final AtomicInteger FORGED_REACHED = new AtomicInteger();
    private static volatile Downstream downstream;
    /** How often the application found its own token current: the checks above see the carrier. */
    private static final AtomicInteger OWN_SEEN = new AtomicInteger();
    private static volatile Downstream slowDownstream;

    private static DeploymentManager manager;
    private static org.xnio.XnioWorker worker;
    private static java.util.concurrent.ExecutorService pool;
    private static Undertow undertow;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        downstream = new Downstream();
        slowDownstream = Downstream.slow(1500);
        DeploymentInfo deployment = Servlets.deployment()
                .setClassLoader(UndertowHttp2StreamsTest.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("h2-streams")
                .addServlet(Servlets.servlet("app", AppServlet.class, new ImmediateInstanceFactory<>(new AppServlet()))
                        .addMapping("/*").setAsyncSupported(true))
                .addFilter(Servlets.filter("calling", CallingFilter.class, new ImmediateInstanceFactory<>(new CallingFilter()))
                        .setAsyncSupported(true))
                .addFilterUrlMapping("calling", "/filter", DispatcherType.REQUEST);
        // The server's pool: XNIO's own, or a JDK pool as the deployment's executor or the worker's
        // (whose hand-offs carry the caller's token); -Dh2.pool=deployment-pool or worker-pool.
        String executor = System.getProperty("h2.pool", "xnio-default");
        pool = new java.util.concurrent.ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>());
        if (executor.equals("deployment-pool")) {
            deployment.setExecutor(pool);
            deployment.setAsyncExecutor(pool);
        }
        worker = executor.equals("worker-pool")
                ? org.xnio.Xnio.getInstance(Undertow.class.getClassLoader()).createWorkerBuilder()
                        .setWorkerIoThreads(1).setExternalExecutorService(pool).build()
                : null;
        manager = ServletContainer.Factory.newInstance().addDeployment(deployment);
        manager.deploy();
        Undertow.Builder builder = Undertow.builder()
                .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
                .addHttpListener(0, "127.0.0.1")
                .setIoThreads(1)
                .setWorkerThreads(4)
                .setHandler(manager.start());
        if (worker != null) {
            builder.setWorker(worker);
        }
        undertow = builder.build();
        undertow.start();
        port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        undertow.stop();
        manager.stop();
        manager.undeploy();
        if (worker != null) {
            worker.shutdownNow();
        }
        pool.shutdownNow();
        downstream.close();
        slowDownstream.close();
    }

    @Test
    void priorKnowledgeStreamsOnOneConnectionEachCarryTheirOwnToken() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(512);
        dispatcher.setMaxRequestsPerHost(512);
        OkHttpClient client = new OkHttpClient.Builder()
                .protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool())
                .readTimeout(20, TimeUnit.SECONDS)
                .eventListener(new EventListener() {
                    @Override
                    public void connectStart(Call call, InetSocketAddress address, java.net.Proxy proxy) {
                        connections.incrementAndGet();
                    }
                })
                .build();
        try {
            // One stream first, so that the connection is there before the others share it.
            Map<String, Integer> statuses = new ConcurrentHashMap<>();
            Map<String, String> challenges = new ConcurrentHashMap<>();
            List<String> tags = new ArrayList<>();
            tags.add(sendOkHttp(client, "warm", "sync", "alice", statuses, challenges, null));
            awaitAll(statuses, 1);
            int rounds = 3;
            CountDownLatch done = new CountDownLatch(rounds * MODES.size() * WHO.size());
            for (int round = 0; round < rounds; round++) {
                for (String mode : MODES) {
                    for (String who : WHO) {
                        tags.add(sendOkHttp(client, "p" + round, mode, who, statuses, challenges, done));
                    }
                }
            }
            assertTrue(done.await(60, TimeUnit.SECONDS), "every stream answered: " + statuses.size());
            assertEquals(1, connections.get(), "all streams on one connection");
            check(tags, statuses, challenges);
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    @Test
    void upgradedStreamsOnOneConnectionEachCarryTheirOwnToken() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        Map<String, Integer> statuses = new ConcurrentHashMap<>();
        Map<String, String> challenges = new ConcurrentHashMap<>();
        List<String> tags = new ArrayList<>();
        // The upgrade itself: HTTP/1.1 with Upgrade: h2c, answered as stream 1 of the HTTP/2 connection.
        String first = "u-warm-sync-alice";
        SENT.put(first, Tokens.valid("alice"));
        HttpResponse<String> upgraded = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/sync?tag=" + first))
                .header("Authorization", "Bearer " + SENT.get(first)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, upgraded.version(), "upgraded to h2c");
        statuses.put(first, upgraded.statusCode());
        tags.add(first);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            for (String mode : MODES) {
                for (String who : WHO) {
                    String tag = "u" + round + "-" + mode + "-" + who;
                    tags.add(tag);
                    String token = token(who);
                    if (token != null) {
                        SENT.put(tag, token);
                    }
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/" + mode + "?tag=" + tag));
                    if (token != null) {
                        request.header("Authorization", "Bearer " + token);
                    }
                    if (mode.equals("read")) {
                        request.POST(HttpRequest.BodyPublishers.ofString("x".repeat(1_500)));
                    }
                    all.add(client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
                        statuses.put(tag, response.statusCode());
                        response.headers().firstValue("WWW-Authenticate").ifPresent(value -> challenges.put(tag, value));
                    }));
                }
            }
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        check(tags, statuses, challenges);
    }

    @Test
    void streamsResetMidCallLeaveNoTokenBehind() throws Exception {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(512);
        dispatcher.setMaxRequestsPerHost(512);
        OkHttpClient client = new OkHttpClient.Builder().protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE)).dispatcher(dispatcher)
                .readTimeout(20, TimeUnit.SECONDS).build();
        try {
            Map<String, Integer> statuses = new ConcurrentHashMap<>();
            Map<String, String> challenges = new ConcurrentHashMap<>();
            sendOkHttp(client, "r-warm", "sync", "none", statuses, challenges, null);
            awaitAll(statuses, 1);
            assertEquals(200, statuses.get("r-warm-sync-none"));
            downstream.take();
            List<Call> reset = new ArrayList<>();
            for (String mode : List.of("slow-sync", "slow-async")) {
                for (String who : List.of("alice", "bob")) {
                    String tag = "r-" + mode + "-" + who;
                    SENT.put(tag, token(who));
                    Call call = client.newCall(new Request.Builder().url("http://localhost:" + port + "/" + mode + "?tag=" + tag)
                            .header("Authorization", "Bearer " + SENT.get(tag)).build());
                    call.enqueue(new Callback() {
                        @Override
                        public void onFailure(Call c, IOException e) {
                        }

                        @Override
                        public void onResponse(Call c, Response response) {
                            response.close();
                        }
                    });
                    reset.add(call);
                }
            }
            // Every slow call is under way downstream: the client resets the streams (RST_STREAM, CANCEL).
            Map<String, List<String>> slow = new ConcurrentHashMap<>();
            for (int i = 0; i < reset.size(); i++) {
                RecordedRequest request = slowDownstream.take();
                slow.put(request.getUrl().encodedPath().substring(1), request.getHeaders().values("Authorization"));
            }
            for (Call call : reset) {
                call.cancel();
            }
            // Streams without a token and trailers streams, on the same connection, while and after the reset ones end.
            List<String> tags = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(32);
            for (int i = 0; i < 8; i++) {
                tags.add(sendOkHttp(client, "r" + i, "sync", "none", statuses, challenges, done));
                tags.add(sendOkHttp(client, "r" + i, "async-start", "none", statuses, challenges, done));
                tags.add(sendOkHttp(client, "r" + i, "trailers", i % 2 == 0 ? "alice" : "none", statuses, challenges, done));
                tags.add(sendOkHttp(client, "r" + i, "dispatch", "none", statuses, challenges, done));
                if (i == 3) {
                    Thread.sleep(1500);
                }
            }
            assertTrue(done.await(30, TimeUnit.SECONDS));
            Thread.sleep(500);
            for (Map.Entry<String, List<String>> each : slow.entrySet()) {
                assertEquals(List.of("Bearer " + SENT.get(each.getKey())), each.getValue(), each.getKey());
            }
            assertEquals(1, client.connectionPool().connectionCount(), "one connection throughout");
            check(tags, statuses, challenges);
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    @Test
    void aRefusedUpgradeIsAWellFormed401AndTheConnectionServesTheNextStreams() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/sync?tag=uf-sync-forged"))
                .header("Authorization", "Bearer " + FORGED).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, refused.statusCode());
        String challenge = refused.headers().firstValue("WWW-Authenticate").orElse(null);
        assertTrue(challenge != null && challenge.startsWith("Bearer ") && challenge.contains("error=\"invalid_token\""), challenge);
        assertEquals("no-store", refused.headers().firstValue("Cache-Control").orElse(null));
        assertTrue(refused.body().contains("invalid_token"), refused.body());
        Map<String, Integer> statuses = new ConcurrentHashMap<>();
        Map<String, String> challenges = new ConcurrentHashMap<>();
        List<String> tags = new ArrayList<>();
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (String who : List.of("alice", "none", "bob", "forged", "alice")) {
            String tag = "uf" + all.size() + "-sync-" + who;
            tags.add(tag);
            String token = token(who);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/sync?tag=" + tag));
            if (token != null) {
                SENT.put(tag, token);
                request.header("Authorization", "Bearer " + token);
            }
            all.add(client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
                statuses.put(tag, response.version() == HttpClient.Version.HTTP_2 ? response.statusCode() : -2);
                response.headers().firstValue("WWW-Authenticate").ifPresent(value -> challenges.put(tag, value));
            }));
        }
        CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        check(tags, statuses, challenges);
    }

    @Test
    void trailersOfAChunkedBodyDoNotChangeWhatADispatchRunsWith() throws Exception {
        String alice = Tokens.valid("alice");
        String bob = Tokens.valid("bob");
        SENT.put("t-dispatch-read-alice", alice);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(3000);
            String request = "POST /dispatch-read?tag=t-dispatch-read-alice HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + alice
                    + "\r\nTransfer-Encoding: chunked\r\nTrailer: Authorization\r\nConnection: close\r\n\r\n"
                    + "3\r\nabc\r\n0\r\nAuthorization: Bearer " + bob + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String answer = RawHttp.readUntilQuiet(socket.getInputStream());
            RecordedRequest call = downstream.poll(2000);
            assertEquals("Bearer " + alice, call == null ? "no call: " + answer : String.join(",", call.getHeaders().values("Authorization")));
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        }
        assertEquals(List.of(), WRONG);
    }

    @Test
    void aStreamEndingAnotherStreamsWaitingRequestKeepsItsOwnToken() throws Exception {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(64);
        dispatcher.setMaxRequestsPerHost(64);
        OkHttpClient client = new OkHttpClient.Builder().protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE)).dispatcher(dispatcher)
                .readTimeout(20, TimeUnit.SECONDS).build();
        try {
            Map<String, Integer> statuses = new ConcurrentHashMap<>();
            Map<String, String> challenges = new ConcurrentHashMap<>();
            List<String> tags = new ArrayList<>();
            tags.add(sendOkHttp(client, "w-warm", "sync", "none", statuses, challenges, null));
            awaitAll(statuses, 1);
            CountDownLatch done = new CountDownLatch(16);
            for (int i = 0; i < 4; i++) {
                WAITING.clear();
                String waiter = i % 2 == 0 ? "alice" : "none";
                String ender = i % 2 == 0 ? "bob" : "alice";
                String how = i < 2 ? "end-dispatch" : "end-complete";
                tags.add(sendOkHttp(client, "w" + i, "wait", waiter, statuses, challenges, done));
                tags.add(sendOkHttp(client, "w" + i + "b", "wait", "bob", statuses, challenges, done));
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (WAITING.size() < 2 && System.nanoTime() < end) {
                    Thread.sleep(5);
                }
                String ending = sendOkHttp(client, "w" + i, how, ender, statuses, challenges, done);
                tags.add(ending);
                tags.add(sendOkHttp(client, "w" + i + "s", "sync", "none", statuses, challenges, done));
                while (!statuses.containsKey(ending) && System.nanoTime() < end) {
                    Thread.sleep(5);
                }
            }
            assertTrue(done.await(30, TimeUnit.SECONDS));
            check(tags, statuses, challenges);
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    /** The requests waiting in async mode for another stream to end them (a long poll), by tag. */
    private static final Map<String, AsyncContext> WAITING = new ConcurrentHashMap<>();

    private static String token(String who) {
        switch (who) {
            case "alice":
            case "bob":
                return Tokens.valid(who);
            case "forged":
                return FORGED;
            default:
                return null;
        }
    }

    private static String sendOkHttp(OkHttpClient client, String round, String mode, String who, Map<String, Integer> statuses,
                                     Map<String, String> challenges, CountDownLatch done) {
        String tag = round + "-" + mode + "-" + who;
        String token = token(who);
        if (token != null) {
            SENT.put(tag, token);
        }
        Request.Builder request = new Request.Builder().url("http://localhost:" + port + "/" + mode + "?tag=" + tag);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (mode.equals("read")) {
            request.post(RequestBody.create("x".repeat(1_500).getBytes(StandardCharsets.US_ASCII), null));
        }
        client.newCall(request.build()).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
                statuses.put(tag, -1);
                challenges.put(tag, e.toString());
                if (done != null) {
                    done.countDown();
                }
            }

            @Override
            public void onResponse(Call call, Response response) throws IOException {
                try (response) {
                    response.body().string();
                    String challenge = response.header("WWW-Authenticate");
                    if (challenge != null) {
                        challenges.put(tag, challenge);
                    }
                    statuses.put(tag, response.code());
                }
                if (done != null) {
                    done.countDown();
                }
            }
        });
        return tag;
    }

    private static void awaitAll(Map<String, Integer> statuses, int count) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (statuses.size() < count && System.nanoTime() < end) {
            Thread.sleep(10);
        }
    }

    private static void check(List<String> tags, Map<String, Integer> statuses, Map<String, String> challenges) throws Exception {
        List<String> unanswered = new ArrayList<>();
        for (String tag : tags) {
            if (statuses.get(tag) == null || statuses.get(tag) < 0) {
                unanswered.add(tag + " " + challenges.get(tag));
            }
        }
        assertEquals(List.of(), unanswered, "streams not answered");
        int calls = 0;
        for (String tag : tags) {
            boolean forged = tag.endsWith("-forged");
            assertEquals(forged ? 401 : 200, statuses.get(tag), tag + " " + challenges.get(tag));
            if (tag.startsWith("w2") && tag.contains("-wait-") || tag.startsWith("w3") && tag.contains("-wait-")) {
                // Ended by another stream's complete(): this request's own code makes no call.
                calls--;
            }
            if (forged) {
                String challenge = challenges.get(tag);
                assertTrue(challenge != null && challenge.startsWith("Bearer ") && challenge.contains("error=\"invalid_token\""),
                        tag + ": " + challenge);
            } else {
                calls++;
            }
        }
        Map<String, List<String>> sent = new ConcurrentHashMap<>();
        for (int i = 0; i < calls; i++) {
            RecordedRequest request = downstream.take();
            sent.put(request.getUrl().encodedPath().substring(1), request.getHeaders().values("Authorization"));
        }
        RecordedRequest extra = downstream.poll(300);
        assertEquals(null, extra == null ? null : extra.getUrl().toString(), "no call beyond one per stream that was let through");
        List<String> wrong = new ArrayList<>();
        for (String tag : tags) {
            if (tag.endsWith("-forged") || (tag.startsWith("w2") || tag.startsWith("w3")) && tag.contains("-wait-")) {
                continue;
            }
            List<String> authorization = sent.get(tag);
            String own = SENT.get(tag) == null ? null : "Bearer " + SENT.get(tag);
            boolean listener = tag.contains("-read-") || tag.contains("-write-");
            boolean ok = authorization != null && (own == null ? authorization.isEmpty()
                    : authorization.equals(List.of(own)) || (listener && authorization.isEmpty()));
            if (!ok) {
                wrong.add(tag + " sent " + (authorization == null ? "nothing" : who(authorization)));
            }
        }
        assertEquals(List.of(), wrong, "downstream calls not carrying their own stream's token");
        assertEquals(List.of(), WRONG, "application code run with another stream's token");
        assertTrue(OWN_SEEN.get() > 0, "the application saw its own token");
        assertEquals(0, FORGED_REACHED.get(), "application code reached by a forged token");
    }

    /** Whose token {@code authorization} holds, by the tag that sent it. */
    private static String who(List<String> authorization) {
        List<String> names = new ArrayList<>();
        for (String value : authorization) {
            String name = value;
            for (Map.Entry<String, String> each : SENT.entrySet()) {
                if (value.equals("Bearer " + each.getValue())) {
                    name = "the token of " + each.getKey();
                    break;
                }
            }
            names.add(name);
        }
        return names.toString();
    }

    /** Records it when the thread holds a token other than the tag's own (none is fine). */
    static void checkCurrent(String tag, String where) {
        if (tag == null) {
            return;
        }
        if (tag.endsWith("-forged")) {
            FORGED_REACHED.incrementAndGet();
        }
        String current = currentToken();
        if (current != null && current.equals(SENT.get(tag))) {
            OWN_SEEN.incrementAndGet();
        }
        if (current != null && !current.equals(SENT.get(tag))) {
            WRONG.add(tag + " at " + where + " held " + who(List.of("Bearer " + current)));
        }
    }

    private static String currentToken() {
        try {
            Object carried = Class.forName("dev.jwtagent.bootstrap.TokenCarrier").getMethod("current").invoke(null);
            return carried == null ? null : (String) carried.getClass().getMethod("value").invoke(carried);
        } catch (ClassNotFoundException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Calls downstream with no header of its own, a path naming the stream, after a short pause. */
    static void callDownstream(String tag, String where) {
        checkCurrent(tag, where);
        try {
            Thread.sleep(Math.floorMod(tag.hashCode(), 7));
            int status = DownstreamClients.urlConnection(downstream.allowedUrl("/" + tag), null);
            if (status != 200) {
                throw new IllegalStateException("downstream answered " + status);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        checkCurrent(tag, where + " after the call");
    }

    public static final class CallingFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
            callDownstream(request.getParameter("tag"), "filter");
            chain.doFilter(request, response);
        }
    }

    /** A response large enough to wait for flow-control credit and a full socket, written while other streams write theirs. */
    private static final int BIG = 512 * 1024;

    static void writeBig(String tag, java.io.OutputStream out, String where) throws IOException {
        byte[] chunk = new byte[8192];
        for (int i = 0; i < BIG / 8192; i++) {
            out.write(chunk);
            checkCurrent(tag, where);
        }
    }

    static final class AppServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String tag = request.getParameter("tag");
            checkCurrent(tag, "service");
            switch (request.getRequestURI()) {
                case "/sync":
                    callDownstream(tag, "service");
                    response.getWriter().print("ok");
                    return;
                case "/filter":
                    response.getWriter().print("ok");
                    return;
                case "/wait":
                    if (request.getDispatcherType() == DispatcherType.ASYNC) {
                        callDownstream(tag, "dispatch of a waiting request");
                        response.getWriter().print("ok");
                        return;
                    }
                    AsyncContext waiting = request.startAsync();
                    waiting.setTimeout(15_000);
                    waiting.addListener(new jakarta.servlet.AsyncListener() {
                        @Override
                        public void onComplete(jakarta.servlet.AsyncEvent event) {
                            checkCurrent(tag, "onComplete of a waiting request");
                        }

                        @Override
                        public void onTimeout(jakarta.servlet.AsyncEvent event) {
                        }

                        @Override
                        public void onError(jakarta.servlet.AsyncEvent event) {
                        }

                        @Override
                        public void onStartAsync(jakarta.servlet.AsyncEvent event) {
                        }
                    });
                    WAITING.put(tag, waiting);
                    return;
                case "/end-dispatch":
                case "/end-complete": {
                    for (Map.Entry<String, AsyncContext> each : new ArrayList<>(WAITING.entrySet())) {
                        WAITING.remove(each.getKey());
                        if (request.getRequestURI().equals("/end-dispatch")) {
                            each.getValue().dispatch();
                        } else {
                            // The waiting request's answer, written by this stream's code (with its own token).
                            each.getValue().getResponse().getWriter().print("ok");
                            each.getValue().complete();
                        }
                        checkCurrent(tag, "after ending " + each.getKey());
                    }
                    callDownstream(tag, "service after ending the waiting requests");
                    response.getWriter().print("ok");
                    return;
                }
                case "/dispatch-read":
                    if (request.getDispatcherType() == DispatcherType.ASYNC) {
                        callDownstream(tag, "dispatch after the trailers");
                        response.getWriter().print("ok " + java.util.Collections.list(request.getHeaders("Authorization")).size());
                    } else {
                        AsyncContext async = request.startAsync();
                        async.start(() -> {
                            try {
                                request.getInputStream().readAllBytes();
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                            async.dispatch();
                        });
                    }
                    return;
                case "/big-sync":
                    callDownstream(tag, "service");
                    writeBig(tag, response.getOutputStream(), "big service write");
                    return;
                case "/big-async": {
                    AsyncContext async = request.startAsync();
                    async.start(() -> {
                        try {
                            callDownstream(tag, "big task");
                            writeBig(tag, async.getResponse().getOutputStream(), "big task write");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        } finally {
                            async.complete();
                        }
                    });
                    return;
                }
                case "/big-write": {
                    AsyncContext async = request.startAsync();
                    ServletOutputStream out = response.getOutputStream();
                    out.setWriteListener(new WriteListener() {
                        private int left = BIG / 8192;
                        private boolean called;

                        @Override
                        public void onWritePossible() throws IOException {
                            checkCurrent(tag, "big onWritePossible");
                            if (!called) {
                                called = true;
                                callDownstream(tag, "big onWritePossible");
                            }
                            while (out.isReady()) {
                                if (left == 0) {
                                    async.complete();
                                    return;
                                }
                                left--;
                                out.write(new byte[8192]);
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            async.complete();
                        }
                    });
                    return;
                }
                case "/trailers":
                    response.setTrailerFields(() -> {
                        checkCurrent(tag, "trailer supplier");
                        return Map.of("x-done", "yes");
                    });
                    callDownstream(tag, "service");
                    response.getWriter().print("ok");
                    return;
                case "/slow-sync":
                    checkCurrent(tag, "slow service");
                    DownstreamClients.urlConnection(slowDownstream.allowedUrl("/" + tag), null);
                    checkCurrent(tag, "slow service after the call");
                    response.getWriter().print("ok");
                    return;
                case "/slow-async": {
                    AsyncContext async = request.startAsync();
                    async.start(() -> {
                        try {
                            checkCurrent(tag, "slow task");
                            DownstreamClients.urlConnection(slowDownstream.allowedUrl("/" + tag), null);
                            checkCurrent(tag, "slow task after the call");
                            async.getResponse().getWriter().print("ok");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        } finally {
                            async.complete();
                        }
                    });
                    return;
                }

                case "/async-start": {
                    AsyncContext async = request.startAsync();
                    async.start(() -> {
                        try {
                            callDownstream(tag, "async-start task");
                            async.getResponse().getWriter().print("ok");
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        } finally {
                            async.complete();
                        }
                    });
                    return;
                }
                case "/dispatch":
                    if (request.getDispatcherType() == DispatcherType.ASYNC) {
                        callDownstream(tag, "async dispatch");
                        response.getWriter().print("ok");
                    } else {
                        request.startAsync().dispatch();
                    }
                    return;
                case "/read": {
                    AsyncContext async = request.startAsync();
                    ServletInputStream in = request.getInputStream();
                    in.setReadListener(new ReadListener() {
                        private final byte[] buffer = new byte[4096];

                        @Override
                        public void onDataAvailable() throws IOException {
                            checkCurrent(tag, "onDataAvailable");
                            while (in.isReady() && in.read(buffer) >= 0) {
                                // drained
                            }
                        }

                        @Override
                        public void onAllDataRead() throws IOException {
                            callDownstream(tag, "onAllDataRead");
                            async.getResponse().getWriter().print("ok");
                            async.complete();
                        }

                        @Override
                        public void onError(Throwable t) {
                            async.complete();
                        }
                    });
                    return;
                }
                case "/write": {
                    AsyncContext async = request.startAsync();
                    ServletOutputStream out = response.getOutputStream();
                    out.setWriteListener(new WriteListener() {
                        private boolean written;

                        @Override
                        public void onWritePossible() throws IOException {
                            checkCurrent(tag, "onWritePossible");
                            if (!written) {
                                written = true;
                                callDownstream(tag, "onWritePossible");
                                out.write("ok".getBytes(StandardCharsets.US_ASCII));
                            }
                            if (out.isReady()) {
                                async.complete();
                            }
                        }

                        @Override
                        public void onError(Throwable t) {
                            async.complete();
                        }
                    });
                    return;
                }
                default:
                    response.setStatus(404);
            }
        }
    }
}
