package example.jwtagent.it;

import com.auth0.jwt.algorithms.Algorithm;
import mockwebserver3.RecordedRequest;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ExecutorThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.servlet.AsyncContext;
import javax.servlet.DispatcherType;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ReadListener;
import javax.servlet.ServletException;
import javax.servlet.ServletInputStream;
import javax.servlet.ServletOutputStream;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.WriteListener;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jetty 9.4 on its default {@code QueuedThreadPool} (and on an {@code ExecutorThreadPool}), reserved threads included (its
 * {@code ReservedThreadExecutor}: the selector's producer hands production to a reserved thread and
 * runs the connection's task itself), serving HTTP/1.1 connections that each pipeline requests with
 * different tokens (alice, bob, a forged one, none) through a servlet, a filter, an
 * {@code AsyncContext.start} task, an async dispatch, a {@code ReadListener} and a {@code WriteListener}.
 * Each request is decided on its own token, the application never runs with another request's token
 * (nor after a forged one was refused), and each call downstream carries its own request's token, or
 * none from the listeners, which run with none.
 */
class JettyJavaxPipelinedTokensTest {
    private static final String FORGED = Tokens.signedWith(Algorithm.HMAC256("not-the-service-secret-not-the-service-secret"),
            "mallory", b -> { });
    private static final List<String> MODES = List.of("sync", "filter", "async-start", "dispatch", "read", "write");
    private static final List<String> WHO = List.of("alice", "bob", "forged", "none");
    private static final Map<String, String> SENT = new ConcurrentHashMap<>();
    private static final List<String> WRONG = Collections.synchronizedList(new ArrayList<>());
    private static volatile Downstream downstream;
    /** How often the application found its own token current: the checks above see the carrier. */
    private static final AtomicInteger OWN_SEEN = new AtomicInteger();

    @ParameterizedTest
    @ValueSource(strings = {"queued-thread-pool", "executor-thread-pool"})
    void pipelinedRequestsEachCarryTheirOwnToken(String poolKind) throws Exception {
        downstream = new Downstream();
        WRONG.clear();
        ThreadPool pool;
        if (poolKind.equals("queued-thread-pool")) {
            QueuedThreadPool queued = new QueuedThreadPool(12, 4);
            queued.setReservedThreads(3);
            pool = queued;
        } else {
            // A JDK ThreadPoolExecutor inside, whose hand-offs carry the caller's token.
            ExecutorThreadPool executor = new ExecutorThreadPool(12, 4);
            executor.setReservedThreads(3);
            pool = executor;
        }
        Server server = new Server(pool);
        ServerConnector connector = LoopbackJetty.start(server, new AppServlet(), context ->
                context.addFilter(new FilterHolder(new CallingFilter()), "/filter", EnumSet.of(DispatcherType.REQUEST)));
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<List<String>>> connections = new ArrayList<>();
            List<List<String>> tagsPerConnection = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                List<String> tags = new ArrayList<>();
                StringBuilder pipeline = new StringBuilder();
                for (int i = 0; i < 12; i++) {
                    String mode = MODES.get((c + i) % MODES.size());
                    String who = WHO.get((c * 5 + i) % WHO.size());
                    String tag = "c" + c + "-" + i + "-" + mode + "-" + who;
                    tags.add(tag);
                    String token = who.equals("forged") ? FORGED : who.equals("none") ? null : Tokens.valid(who);
                    if (token != null) {
                        SENT.put(tag, token);
                    }
                    boolean body = mode.equals("read") || who.equals("forged");
                    pipeline.append(body ? "POST " : "GET ").append('/').append(mode).append("?tag=").append(tag).append(" HTTP/1.1\r\n")
                            .append("Host: localhost\r\n");
                    if (token != null) {
                        pipeline.append("Authorization: Bearer ").append(token).append("\r\n");
                    }
                    if (i == 11) {
                        pipeline.append("Connection: close\r\n");
                    }
                    if (body) {
                        pipeline.append("Content-Length: 3000\r\n\r\n").append("y".repeat(3000));
                    } else {
                        pipeline.append("\r\n");
                    }
                }
                tagsPerConnection.add(tags);
                String all = pipeline.toString();
                connections.add(clients.submit(() -> {
                    try (Socket socket = new Socket("127.0.0.1", connector.getLocalPort())) {
                        socket.setSoTimeout(10_000);
                        // One write: Jetty reads the requests together and serves them one after another.
                        socket.getOutputStream().write(all.getBytes(StandardCharsets.ISO_8859_1));
                        String answers = RawHttp.readUntilQuiet(socket.getInputStream());
                        List<String> statuses = new ArrayList<>();
                        Matcher status = Pattern.compile("HTTP/1\\.1 (\\d{3})").matcher(answers);
                        while (status.find()) {
                            statuses.add(status.group(1));
                        }
                        if (!answers.contains("WWW-Authenticate: Bearer ") && answers.contains("HTTP/1.1 401")) {
                            statuses.add("a 401 without its challenge");
                        }
                        return statuses;
                    }
                }));
            }
            int calls = 0;
            for (int c = 0; c < connections.size(); c++) {
                List<String> expected = new ArrayList<>();
                for (String tag : tagsPerConnection.get(c)) {
                    boolean forged = tag.endsWith("-forged");
                    expected.add(forged ? "401" : "200");
                    calls += forged ? 0 : 1;
                }
                assertEquals(expected, connections.get(c).get(), "answers on connection " + c);
            }
            Map<String, List<String>> sent = new ConcurrentHashMap<>();
            for (int i = 0; i < calls; i++) {
                RecordedRequest request = downstream.take();
                sent.put(request.getUrl().encodedPath().substring(1), request.getHeaders().values("Authorization"));
            }
            assertEquals(null, downstream.poll(300), "no call beyond one per request let through");
            List<String> wrong = new ArrayList<>();
            for (List<String> tags : tagsPerConnection) {
                for (String tag : tags) {
                    if (tag.endsWith("-forged")) {
                        continue;
                    }
                    List<String> authorization = sent.get(tag);
                    String own = SENT.get(tag) == null ? null : "Bearer " + SENT.get(tag);
                    boolean listener = tag.contains("-read-") || tag.contains("-write-");
                    boolean ok = authorization != null && (own == null ? authorization.isEmpty()
                            : authorization.equals(List.of(own)) || (listener && authorization.isEmpty()));
                    if (!ok) {
                        wrong.add(tag + " sent " + authorization);
                    }
                }
            }
            assertEquals(List.of(), wrong, "downstream calls not carrying their own request's token");
            assertEquals(List.of(), WRONG, "application code run with another request's token");
            assertTrue(OWN_SEEN.get() > 0, "the application saw its own token");
        } finally {
            clients.shutdownNow();
            server.stop();
            downstream.close();
        }
    }

    @Test
    void connectionsClosedMidCallLeaveNoTokenBehind() throws Exception {
        downstream = new Downstream();
        slowDownstream = Downstream.slow(1500);
        WRONG.clear();
        QueuedThreadPool pool = new QueuedThreadPool(8, 4);
        pool.setReservedThreads(2);
        Server server = new Server(pool);
        ServerConnector connector = LoopbackJetty.start(server, new AppServlet(), context -> { });
        try {
            List<Socket> closing = new ArrayList<>();
            for (String mode : List.of("slow-sync", "slow-async")) {
                for (String who : List.of("alice", "bob")) {
                    String tag = "x-" + mode + "-" + who;
                    SENT.put(tag, Tokens.valid(who));
                    Socket socket = new Socket("127.0.0.1", connector.getLocalPort());
                    socket.getOutputStream().write(("GET /" + mode + "?tag=" + tag + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                            + SENT.get(tag) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    closing.add(socket);
                }
            }
            for (int i = 0; i < closing.size(); i++) {
                RecordedRequest slow = slowDownstream.take();
                String tag = slow.getUrl().encodedPath().substring(1);
                assertEquals(List.of("Bearer " + SENT.get(tag)), slow.getHeaders().values("Authorization"), tag);
            }
            for (Socket socket : closing) {
                socket.setSoLinger(true, 0);
                socket.close();
            }
            List<String> tags = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String mode = List.of("sync", "async-start", "dispatch", "write").get(i % 4);
                String tag = "y" + i + "-" + mode + "-none";
                tags.add(tag);
                RawHttp.Response answer = RawHttp.get("http://127.0.0.1:" + connector.getLocalPort(), "/" + mode + "?tag=" + tag);
                assertEquals(200, answer.status, tag);
                if (i == 7) {
                    Thread.sleep(1600);
                }
            }
            Map<String, List<String>> sent = new ConcurrentHashMap<>();
            for (int i = 0; i < tags.size(); i++) {
                RecordedRequest request = downstream.take();
                sent.put(request.getUrl().encodedPath().substring(1), request.getHeaders().values("Authorization"));
            }
            Thread.sleep(500);
            for (String tag : tags) {
                assertEquals(List.of(), sent.get(tag), tag);
            }
            assertEquals(List.of(), WRONG, "application code run with another request's token");
        } finally {
            server.stop();
            downstream.close();
            slowDownstream.close();
        }
    }

    private static volatile Downstream slowDownstream;

    static void checkCurrent(String tag, String where) {
        if (tag == null) {
            return;
        }
        if (tag.endsWith("-forged")) {
            WRONG.add(tag + " reached " + where);
        }
        String current = currentToken();
        if (current != null && current.equals(SENT.get(tag))) {
            OWN_SEEN.incrementAndGet();
        }
        if (current != null && !current.equals(SENT.get(tag))) {
            String whose = "another token";
            for (Map.Entry<String, String> each : SENT.entrySet()) {
                if (each.getValue().equals(current)) {
                    whose = "the token of " + each.getKey();
                }
            }
            WRONG.add(tag + " at " + where + " held " + whose);
        }
    }

    private static String currentToken() {
        try {
            Object carried = Class.forName("dev.jwtagent.bootstrap.TokenCarrier").getMethod("current").invoke(null);
            return carried == null ? null : (String) carried.getClass().getMethod("value").invoke(carried);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static void callDownstream(String tag, String where) {
        checkCurrent(tag, where);
        try {
            Thread.sleep(Math.floorMod(tag.hashCode(), 5));
            DownstreamClients.urlConnection(downstream.allowedUrl("/" + tag), null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        checkCurrent(tag, where + " after the call");
    }

    public static final class CallingFilter implements Filter {
        @Override
        public void init(FilterConfig config) {
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
            callDownstream(request.getParameter("tag"), "filter");
            chain.doFilter(request, response);
        }

        @Override
        public void destroy() {
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
                case "/slow-sync":
                    DownstreamClients.urlConnection(slowDownstream.allowedUrl("/" + tag), null);
                    checkCurrent(tag, "slow service after the call");
                    response.getOutputStream().write(new byte[200_000]);
                    return;
                case "/slow-async": {
                    AsyncContext async = request.startAsync();
                    async.addListener(new javax.servlet.AsyncListener() {
                        @Override
                        public void onComplete(javax.servlet.AsyncEvent event) {
                            checkCurrent(tag, "onComplete");
                        }

                        @Override
                        public void onTimeout(javax.servlet.AsyncEvent event) {
                            checkCurrent(tag, "onTimeout");
                        }

                        @Override
                        public void onError(javax.servlet.AsyncEvent event) {
                            checkCurrent(tag, "onError");
                        }

                        @Override
                        public void onStartAsync(javax.servlet.AsyncEvent event) {
                        }
                    });
                    async.start(() -> {
                        try {
                            DownstreamClients.urlConnection(slowDownstream.allowedUrl("/" + tag), null);
                            checkCurrent(tag, "slow task after the call");
                            async.getResponse().getOutputStream().write(new byte[200_000]);
                        } catch (IOException e) {
                            checkCurrent(tag, "slow task failing");
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
                        private final byte[] buffer = new byte[1024];

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
