package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.ExecutorThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.servlet.AsyncContext;
import javax.servlet.ReadListener;
import javax.servlet.ServletInputStream;
import javax.servlet.ServletRequestEvent;
import javax.servlet.ServletRequestListener;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Jetty 9.4 on an {@code ExecutorThreadPool} (a JDK {@code ThreadPoolExecutor} inside): alice's
 * request reads its body in async mode ({@code setReadListener}) from a task of hers
 * ({@code AsyncContext.start}, which carries her token). The read that meets the end of the body
 * wakes her request from that task's thread: Jetty hands the request to its pool there, and its
 * {@code ReadListener.onAllDataRead} runs on that hand-off, completing her request; Jetty then hands
 * the request pipelined behind hers (bob's, without a token) to the pool from the same thread. Bob's
 * request listener, which runs before any decision, must not send alice's token; her
 * {@code onAllDataRead} runs with no token, as the README says of a {@code ReadListener}.
 */
class JettyReadToEndOnATaskTest {
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
                        DownstreamClients.urlConnection(downstream.allowedUrl("/from-on-all-data-read"), null);
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
                            while (!in.isFinished()) {
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
        }, context -> context.addEventListener(new ServletRequestListener() {
            @Override
            public void requestInitialized(ServletRequestEvent event) {
                if (((HttpServletRequest) event.getServletRequest()).getRequestURI().equals("/probe")) {
                    try {
                        DownstreamClients.urlConnection(downstream.allowedUrl("/from-bobs-request-listener"), null);
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }
            }

            @Override
            public void requestDestroyed(ServletRequestEvent event) {
            }
        }));
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        downstream.close();
    }

    @Test
    void theRequestPipelinedBehindAlicesAndHerOnAllDataReadDoNotCarryHerToken() throws Exception {
        String alices = Tokens.valid("alice");
        try (Socket socket = new Socket("127.0.0.1", connector.getLocalPort())) {
            socket.setSoTimeout(3000);
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
            assertNotNull(call, "both listeners called downstream");
            String authorization = call.getHeaders().get("Authorization");
            sent.put(call.getUrl().encodedPath(), authorization == null ? "none" : authorization.equals("Bearer " + alices) ? "alice" : authorization);
        }
        assertEquals(Map.of("/from-on-all-data-read", "none", "/from-bobs-request-listener", "none"), sent);
    }
}
