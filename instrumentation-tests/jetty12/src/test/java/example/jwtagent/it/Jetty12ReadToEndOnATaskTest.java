package example.jwtagent.it;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
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
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Jetty 12 (ee10): alice's request reads its body in async mode ({@code setReadListener}) from a
 * task of hers ({@code AsyncContext.start}, which carries her token). The read that meets the end
 * of the body has Jetty schedule the read listener's notification from that task's thread
 * ({@code ServletChannel.scheduleReadListenerNotification}); {@code onAllDataRead} then completes her
 * request, and Jetty goes on to the request pipelined behind hers (bob's, without a token). Bob's
 * request listener, which runs before any decision, must not send alice's token, nor may her
 * {@code onAllDataRead}, which runs with no token, as the README says of a {@code ReadListener}.
 * On Jetty's own pool and on a JDK one ({@code ExecutorThreadPool}), which the agent carries tokens
 * through.
 */
class Jetty12ReadToEndOnATaskTest {
    static volatile String fromOnAllDataRead;
    static volatile String fromBobsListener;

    @ParameterizedTest
    @ValueSource(strings = {"qtp", "jdk"})
    void theRequestPipelinedBehindAlicesAndHerOnAllDataReadDoNotCarryHerToken(String poolName) throws Exception {
        ThreadPool pool = poolName.equals("jdk") ? new ExecutorThreadPool(8, 3) : new QueuedThreadPool(8, 3);
        try (Downstream downstream = new Downstream()) {
            fromOnAllDataRead = downstream.allowedUrl("/from-on-all-data-read");
            fromBobsListener = downstream.allowedUrl("/from-bobs-request-listener");
            ServletContextHandler context = Jetty12Server.context("/", new ReadingServlet());
            context.addEventListener(new ProbeListener());
            Server server = Jetty12Server.started(pool, context);
            try {
                String alices = Tokens.valid("alice");
                try (Socket socket = new Socket("127.0.0.1", Jetty12Server.portOf(server))) {
                    socket.setSoTimeout(5000);
                    String alice = "POST /read HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alices
                            + "\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello";
                    String bob = "GET /probe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
                    socket.getOutputStream().write((alice + bob).getBytes(StandardCharsets.ISO_8859_1));
                    String answers = HeldSockets.readAll(socket);
                    assertEquals(2, answers.split("HTTP/1.1 200", -1).length - 1, answers);
                }
                Map<String, String> sent = new HashMap<>();
                for (int i = 0; i < 2; i++) {
                    RecordedRequest call = downstream.poll(5000);
                    assertNotNull(call, "both the read listener and bob's request listener called downstream");
                    String authorization = call.getHeaders().get("Authorization");
                    sent.put(call.getUrl().encodedPath(),
                            authorization == null ? "none" : authorization.equals("Bearer " + alices) ? "alice" : authorization);
                }
                assertEquals(Map.of("/from-on-all-data-read", "none", "/from-bobs-request-listener", "none"), sent);
            } finally {
                server.stop();
            }
        }
    }

    /** {@code /read}: reads the body on a task of the request's own, completing in {@code onAllDataRead}; anything else answers at once. */
    static final class ReadingServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (!request.getRequestURI().equals("/read")) {
                response.getWriter().print("probe");
                return;
            }
            AsyncContext async = request.startAsync();
            ServletInputStream in = request.getInputStream();
            in.setReadListener(new ReadListener() {
                @Override
                public void onDataAvailable() {
                    // Alice's task reads.
                }

                @Override
                public void onAllDataRead() throws IOException {
                    DownstreamClients.urlConnection(fromOnAllDataRead, null);
                    async.getResponse().getWriter().print("read");
                    async.complete();
                }

                @Override
                public void onError(Throwable t) {
                    async.complete();
                }
            });
            async.start(new Runnable() {
                @Override
                public void run() {
                    byte[] buffer = new byte[64];
                    try {
                        // Reads until a read says the end (-1): that read, on this task's thread, is what
                        // has Jetty schedule the listener's notification.
                        while (true) {
                            if (in.isReady()) {
                                if (in.read(buffer) < 0) {
                                    break;
                                }
                            } else {
                                Thread.sleep(5);
                            }
                        }
                    } catch (IOException | InterruptedException e) {
                        async.complete();
                    }
                }
            });
        }
    }

    /** Calls downstream as bob's request ({@code /probe}) begins, before any decision. */
    static final class ProbeListener implements ServletRequestListener {
        @Override
        public void requestInitialized(ServletRequestEvent event) {
            if (((HttpServletRequest) event.getServletRequest()).getRequestURI().equals("/probe")) {
                try {
                    DownstreamClients.urlConnection(fromBobsListener, null);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }
        }

        @Override
        public void requestDestroyed(ServletRequestEvent event) {
        }
    }
}
