package example.jwtagent.it;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import mockwebserver3.RecordedRequest;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.ExecutorThreadPool;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bob's async request waits, with a listener, and a request without a token is pipelined behind it.
 * Alice's request writes bob's answer and ends it in the ways a long poll does (closing bob's output
 * stream, writing his whole Content-Length, flushing, completing): whatever Jetty 12 runs of bob's
 * request or of the one behind it from there, on alice's thread or handed to its pool, must not
 * carry alice's token.
 */
class Jetty12AnotherRequestsResponseTest {
    static volatile AsyncContext parked;
    static volatile String calls;

    @ParameterizedTest
    @ValueSource(strings = {"qtp /close", "qtp /content-length", "qtp /flush-complete", "jdk /close", "jdk /content-length", "jdk /flush-complete"})
    void whatAlicesRequestEndsOfBobsRunsWithoutHerToken(String poolAndRoute) throws Exception {
        ThreadPool pool = poolAndRoute.startsWith("jdk") ? new ExecutorThreadPool(8, 3) : new QueuedThreadPool(8, 3);
        String route = poolAndRoute.split(" ")[1];
        try (Downstream downstream = new Downstream()) {
            calls = downstream.allowedUrl("/from-bob");
            ServletContextHandler context = Jetty12Server.context("/", new AppServlet());
            context.addEventListener(new CallingListener());
            Server server = Jetty12Server.started(pool, context);
            int port = Jetty12Server.portOf(server);
            parked = null;
            try (Socket bob = new Socket("127.0.0.1", port)) {
                bob.setSoTimeout(5000);
                OutputStream out = bob.getOutputStream();
                out.write(("GET /park HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Tokens.valid("bob") + "\r\n\r\n"
                        + "GET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (parked == null && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                RawHttp.Response alices = RawHttp.get("http://localhost:" + port, route, RawHttp.bearer(Tokens.valid("alice")));
                assertEquals(200, alices.status, alices.toString());
                String answers = readAll(bob.getInputStream());
                assertTrue(answers.contains("for bob"), answers);
            } finally {
                server.stop();
            }
            List<String> seen = new ArrayList<>();
            RecordedRequest each;
            while ((each = downstream.poll(500)) != null) {
                seen.add(each.getUrl().encodedPath() + " " + (each.getHeaders().get("Authorization") == null ? "none"
                        : com.auth0.jwt.JWT.decode(each.getHeaders().get("Authorization").substring(7)).getSubject()));
            }
            assertTrue(seen.stream().noneMatch(line -> line.endsWith(" alice")), "calls made with alice's token: " + seen);
        }
    }

    private static String readAll(InputStream in) throws IOException {
        StringBuilder all = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                all.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (java.net.SocketTimeoutException ignored) {
            // what came is enough
        }
        return all.toString();
    }

    /** Calls downstream as each request begins and ends. */
    public static final class CallingListener implements ServletRequestListener {
        @Override
        public void requestInitialized(ServletRequestEvent event) {
            if (((HttpServletRequest) event.getServletRequest()).getRequestURI().equals("/next")) {
                JdkHeldExchanges.callFromACallback(calls + "/next-initialized");
            }
        }

        @Override
        public void requestDestroyed(ServletRequestEvent event) {
            String uri = ((HttpServletRequest) event.getServletRequest()).getRequestURI();
            if (uri.equals("/park") || uri.equals("/next")) {
                JdkHeldExchanges.callFromACallback(calls + uri + "-destroyed");
            }
        }
    }

    static final class AppServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            switch (request.getRequestURI()) {
                case "/park": {
                    AsyncContext async = request.startAsync();
                    async.setTimeout(0);
                    async.addListener(new AsyncListener() {
                        @Override
                        public void onComplete(AsyncEvent event) {
                            JdkHeldExchanges.callFromACallback(calls + "/park-on-complete");
                        }

                        @Override
                        public void onTimeout(AsyncEvent event) {
                        }

                        @Override
                        public void onError(AsyncEvent event) {
                        }

                        @Override
                        public void onStartAsync(AsyncEvent event) {
                        }
                    });
                    parked = async;
                    return;
                }
                case "/next":
                    response.getWriter().print("next");
                    return;
                default: {
                    AsyncContext bobs = parked;
                    HttpServletResponse bobsResponse = (HttpServletResponse) bobs.getResponse();
                    byte[] body = "news for bob\n".getBytes(StandardCharsets.UTF_8);
                    switch (request.getRequestURI()) {
                        case "/close":
                            bobsResponse.getOutputStream().write(body);
                            bobsResponse.getOutputStream().close();
                            pause();
                            bobs.complete();
                            break;
                        case "/content-length":
                            bobsResponse.setContentLength(body.length);
                            bobsResponse.getOutputStream().write(body);
                            pause();
                            bobs.complete();
                            break;
                        default:
                            bobsResponse.getOutputStream().write(body);
                            bobsResponse.flushBuffer();
                            bobs.complete();
                            pause();
                    }
                    response.getWriter().print("delivered");
                }
            }
        }

        private static void pause() {
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
