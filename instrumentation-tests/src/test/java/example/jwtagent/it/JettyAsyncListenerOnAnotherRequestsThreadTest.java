package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.ExecutorThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Jetty 9.4: bob's request goes async with an {@code AsyncListener} and waits (a long poll); alice's
 * request, on another thread, ends it. A call bob's listener's {@code onComplete} makes downstream
 * must not carry alice's token (bob's, or none).
 * <ul>
 *   <li>{@code complete()}: Jetty ends bob's request right there, on alice's thread, inside alice's
 *       servlet call. Before, his {@code onComplete} called with her token.</li>
 *   <li>{@code dispatch(path)}: Jetty hands bob's dispatch to its pool, here an
 *       {@code ExecutorThreadPool} (a JDK {@code ThreadPoolExecutor} inside, whose hand-offs carry
 *       the token current when they are made); the dispatch restores bob's token, and his
 *       {@code onComplete} runs after it on that task. Before, with alice's token.</li>
 * </ul>
 */
class JettyAsyncListenerOnAnotherRequestsThreadTest {
    private static volatile AsyncContext parked;
    private static Server server;
    private static ServerConnector connector;
    private static Downstream downstream;

    @BeforeAll
    static void start() throws Exception {
        downstream = new Downstream();
        server = new Server(new ExecutorThreadPool());
        connector = LoopbackJetty.start(server, new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                if (request.getRequestURI().equals("/park")) {
                    AsyncContext async = request.startAsync();
                    async.setTimeout(0);
                    async.addListener(new AsyncListener() {
                        @Override
                        public void onComplete(AsyncEvent event) throws IOException {
                            // Bob's listener: calls downstream with no header of its own.
                            DownstreamClients.urlConnection(downstream.allowedUrl("/from-bobs-on-complete"), null);
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
                } else if (request.getRequestURI().equals("/done")) {
                    // Bob's async dispatch: his request ends when it returns.
                    response.getWriter().print("done");
                } else {
                    // Alice's request: a new message ends bob's long poll.
                    if (request.getRequestURI().equals("/wake-completing")) {
                        parked.complete();
                    } else {
                        parked.dispatch("/done");
                    }
                    response.getWriter().print("woke");
                }
            }
        }, context -> { });
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        downstream.close();
    }

    @ParameterizedTest
    @CsvSource({"bob,/wake-completing", "'',/wake-completing", "bob,/wake-dispatching", "'',/wake-dispatching"})
    void bobsOnCompleteAfterAlicesRequestEndedHisDoesNotCarryAlicesToken(String bob, String wake) throws Exception {
        String bobs = bob.isEmpty() ? null : Tokens.valid(bob);
        String alices = Tokens.valid("alice");
        parked = null;
        try (Socket parking = new Socket("127.0.0.1", connector.getLocalPort())) {
            parking.setSoTimeout(4000);
            HeldSockets.send(parking, "/park", bobs);
            HeldSockets.awaitParked(() -> parked);
            try (Socket waking = new Socket("127.0.0.1", connector.getLocalPort())) {
                waking.setSoTimeout(4000);
                HeldSockets.send(waking, wake, alices);
                HeldSockets.readAll(waking);
            }
            HeldSockets.readAll(parking);
        }
        RecordedRequest call = downstream.poll(5000);
        assertNotNull(call, "bob's onComplete called downstream");
        assertEquals("/from-bobs-on-complete", call.getUrl().encodedPath());
        String authorization = call.getHeaders().get("Authorization");
        assertNotEquals("Bearer " + alices, authorization, "bob's onComplete called downstream with alice's token");
        if (authorization != null) {
            assertEquals("Bearer " + bobs, authorization, "bob's onComplete carries bob's token or none");
        }
    }
}
