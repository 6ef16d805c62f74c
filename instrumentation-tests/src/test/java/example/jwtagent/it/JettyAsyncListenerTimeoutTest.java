package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.ExecutorThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Jetty 9.4 (its pool a JDK {@code ThreadPoolExecutor}): a request goes async and times out; its
 * {@code AsyncListener.onTimeout}, run by Jetty outside any dispatch, calls downstream as a fallback and
 * completes. The call carries that request's token, or none for a request without one.
 */
class JettyAsyncListenerTimeoutTest {
    private static Server server;
    private static ServerConnector connector;
    private static Downstream downstream;

    @BeforeAll
    static void start() throws Exception {
        downstream = new Downstream();
        server = new Server(new ExecutorThreadPool());
        connector = LoopbackJetty.start(server, new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) {
                AsyncContext async = request.startAsync();
                async.setTimeout(200);
                async.addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) throws java.io.IOException {
                        DownstreamClients.urlConnection(downstream.allowedUrl("/from-on-timeout"), null);
                        event.getAsyncContext().getResponse().getWriter().print("timed out");
                        event.getAsyncContext().complete();
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                    }
                });
            }
        }, context -> { });
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        downstream.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bob", ""})
    void onTimeoutCallsWithItsRequestsTokenOrNone(String who) throws Exception {
        String token = who.isEmpty() ? null : Tokens.valid(who);
        String base = "http://127.0.0.1:" + connector.getLocalPort();
        RawHttp.Response answer = token == null ? RawHttp.get(base, "/wait") : RawHttp.get(base, "/wait", RawHttp.bearer(token));
        assertEquals(200, answer.status, answer.toString());
        RecordedRequest call = downstream.poll(5000);
        assertNotNull(call, "onTimeout called downstream");
        assertEquals(token == null ? null : "Bearer " + token, call.getHeaders().get("Authorization"));
    }
}
