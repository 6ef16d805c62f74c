package example.jwtagent.it;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.ExecutorThreadPool;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Jetty 12 (ee10) paths beyond the contract suites: error dispatches, forwards and includes, the
 * agent's request attributes, and the request pipelined behind a completed async request.
 */
class Jetty12DispatchesTest {
    private static volatile String calls;

    @ParameterizedTest
    @ValueSource(strings = {"/throws", "/send-error", "/async-send-error", "/async-timeout", "/forward", "/include"})
    void theRequestsOwnDispatchesCallWithItsTokenOrNone(String path) throws Exception {
        try (Downstream downstream = new Downstream(); Running server = new Running(new QueuedThreadPool(8, 3))) {
            calls = downstream.allowedUrl("/from-a-dispatch");
            int expected = path.startsWith("/forward") || path.startsWith("/include") ? 200 : 500;
            for (int i = 0; i < 3; i++) {
                String token = Tokens.valid("alice" + i);
                RawHttp.Response answer = RawHttp.get(server.base, path, RawHttp.bearer(token));
                assertEquals(expected, answer.status, answer.toString());
                assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), "alice's dispatch, round " + i);
                RawHttp.Response without = RawHttp.get(server.base, path);
                assertEquals(expected, without.status, without.toString());
                assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "the dispatch of a request without a token, round " + i);
            }
        }
    }

    @Test
    void theAgentsAttributesAreListedReadAndRemovable() throws Exception {
        try (Running server = new Running(new QueuedThreadPool(8, 3))) {
            RawHttp.Response answer = RawHttp.get(server.base, "/attributes", RawHttp.bearer(Tokens.valid("alice")));
            assertEquals(200, answer.status, answer.toString());
            assertEquals("alice", answer.field("subject"));
            assertEquals("true", answer.field("claims-is-map"));
            assertEquals("alice", answer.field("claims-sub"));
            assertEquals("true", answer.field("claims-unmodifiable"));
            assertTrue(answer.field("names").contains("jwt.agent.subject"), answer.toString());
            assertTrue(answer.field("names").contains("jwt.agent.claims"), answer.toString());
            assertEquals("null null", answer.field("after-removal"));
            assertEquals("false", answer.field("listed-after-removal"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"queued-thread-pool", "executor-thread-pool", "queued-thread-pool-virtual-threads", "virtual-thread-pool"})
    void theRequestPipelinedBehindACompletedAsyncRequestRunsWithoutItsToken(String pool) throws Exception {
        assumeTrue(!pool.contains("virtual") || Runtime.version().feature() >= 21, "no virtual threads in this Java");
        ThreadPool threads;
        if (pool.equals("executor-thread-pool")) {
            threads = new ExecutorThreadPool(8, 3);
        } else if (pool.equals("virtual-thread-pool")) {
            threads = new org.eclipse.jetty.util.thread.VirtualThreadPool();
        } else {
            QueuedThreadPool queued = new QueuedThreadPool(8, 3);
            if (pool.endsWith("virtual-threads")) {
                // Jetty 12's way to run requests on virtual threads beside its own pool: the JDK's executor.
                queued.setVirtualThreadsExecutor(Handoffs.newVirtualThreadPerTaskExecutor());
            }
            threads = queued;
        }
        try (Downstream downstream = new Downstream(); Running server = new Running(threads)) {
            calls = downstream.allowedUrl("/from-the-next-requests-listener");
            for (String route : List.of("/async-complete", "/async-closed")) {
                try (Socket socket = new Socket("127.0.0.1", server.port)) {
                    socket.setSoTimeout(3000);
                    String alices = "GET " + route + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + Tokens.valid("alice") + "\r\n\r\n";
                    String next = "GET /next HTTP/1.1\r\nHost: localhost\r\n\r\n";
                    String last = "GET /next HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
                    socket.getOutputStream().write((alices + next + last).getBytes(StandardCharsets.ISO_8859_1));
                    String answers = RawHttp.readUntilQuiet(socket.getInputStream());
                    assertEquals(3, answers.split("HTTP/1.1 200", -1).length - 1, answers);
                }
                assertEquals(List.of(), downstream.takeAuthorization(), route + ": the listeners and servlet of the requests pipelined behind alice's");
            }
        }
    }

    /** A Jetty 12 server with the test's servlet, an error page and a request listener, on the given pool. */
    static final class Running implements AutoCloseable {
        final Server server;
        final int port;
        final String base;

        Running(ThreadPool pool) throws Exception {
            ServletContextHandler context = Jetty12Server.context("/", new AppServlet());
            context.addEventListener(new CallingListener());
            ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
            errors.addErrorPage(ErrorPageErrorHandler.GLOBAL_ERROR_PAGE, "/error-page");
            context.setErrorHandler(errors);
            server = Jetty12Server.started(pool, context);
            port = Jetty12Server.portOf(server);
            base = "http://localhost:" + port;
        }

        @Override
        public void close() throws Exception {
            server.stop();
        }
    }

    /** Calls downstream, with no header of its own, as each pipelined request begins. */
    public static final class CallingListener implements ServletRequestListener {
        @Override
        public void requestInitialized(ServletRequestEvent event) {
            if (((HttpServletRequest) event.getServletRequest()).getRequestURI().equals("/next")) {
                JdkHeldExchanges.callFromACallback(calls);
            }
        }
    }

    static final class AppServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            // An include keeps the request's own URI: the included path is in an attribute.
            String uri = request.getDispatcherType() == jakarta.servlet.DispatcherType.INCLUDE
                    ? (String) request.getAttribute(jakarta.servlet.RequestDispatcher.INCLUDE_REQUEST_URI) : request.getRequestURI();
            switch (uri) {
                case "/error-page":
                case "/forward-target":
                case "/include-target":
                    JdkHeldExchanges.callFromACallback(calls);
                    response.getWriter().print("dispatched");
                    return;
                case "/throws":
                    throw new IllegalStateException("the application failed");
                case "/send-error":
                    response.sendError(500);
                    return;
                case "/forward":
                    try {
                        request.getRequestDispatcher("/forward-target").forward(request, response);
                    } catch (jakarta.servlet.ServletException e) {
                        throw new IOException(e);
                    }
                    return;
                case "/include":
                    try {
                        request.getRequestDispatcher("/include-target").include(request, response);
                    } catch (jakarta.servlet.ServletException e) {
                        throw new IOException(e);
                    }
                    return;
                case "/async-timeout": {
                    // Never completed: Jetty's scheduler times it out, and Jetty dispatches it to the error page.
                    request.startAsync().setTimeout(200);
                    return;
                }
                case "/async-send-error": {
                    AsyncContext async = request.startAsync();
                    async.start(() -> {
                        try {
                            ((HttpServletResponse) async.getResponse()).sendError(500);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        async.complete();
                    });
                    return;
                }
                case "/async-complete": {
                    AsyncContext async = request.startAsync();
                    async.start(() -> {
                        // The pipelined requests are in by the time alice's is complete.
                        pause();
                        try {
                            async.getResponse().getWriter().print("async");
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        async.complete();
                        pause();
                    });
                    return;
                }
                case "/async-closed": {
                    AsyncContext async = request.startAsync();
                    async.start(() -> {
                        pause();
                        try {
                            async.getResponse().getOutputStream().close();
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        pause();
                        async.complete();
                    });
                    return;
                }
                case "/attributes": {
                    Object claims = request.getAttribute("jwt.agent.claims");
                    StringBuilder out = new StringBuilder();
                    out.append("subject=").append(request.getAttribute("jwt.agent.subject")).append('\n');
                    out.append("claims-is-map=").append(claims instanceof Map).append('\n');
                    if (claims instanceof Map) {
                        Object sub = ((Map<?, ?>) claims).get("sub");
                        out.append("claims-sub=").append(sub).append('\n');
                        boolean unmodifiable;
                        try {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> map = (Map<String, Object>) claims;
                            map.put("sub", "mallory");
                            unmodifiable = false;
                        } catch (UnsupportedOperationException e) {
                            unmodifiable = true;
                        }
                        out.append("claims-unmodifiable=").append(unmodifiable).append('\n');
                    }
                    out.append("names=").append(new TreeSet<>(Collections.list(request.getAttributeNames()))).append('\n');
                    request.removeAttribute("jwt.agent.subject");
                    request.removeAttribute("jwt.agent.claims");
                    out.append("after-removal=").append(request.getAttribute("jwt.agent.subject")).append(' ')
                            .append(request.getAttribute("jwt.agent.claims")).append('\n');
                    List<String> names = Collections.list(request.getAttributeNames());
                    out.append("listed-after-removal=").append(names.contains("jwt.agent.subject") || names.contains("jwt.agent.claims")).append('\n');
                    response.setContentType("text/plain");
                    response.getWriter().print(out);
                    return;
                }
                default:
                    response.getWriter().print("next");
            }
        }

        private static void pause() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
