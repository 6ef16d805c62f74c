package example.jwtagent.it;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One Jetty 12 {@code HttpClient} with one connection per destination, shared by a service's
 * callers. Alice's exchange holds the connection, and she reads its body on her own request's
 * thread ({@code InputStreamResponseListener}); the answer closes the connection
 * ({@code Connection: close}) and the service behind it stops listening meanwhile. Bob's request
 * and a tokenless caller's wait in the destination's queue. As alice reads her exchange to its
 * end, the connection is closed and a new one made for the waiting requests, which is refused:
 * every waiting request fails where that happens, and its {@code onComplete} listener calls
 * downstream (as tracing or auditing code may): with its own caller's token or none, never alice's.
 */
class Jetty12QueuedConnectFailureTest {
    static volatile HttpClient client;
    static volatile String downstreamBase;
    static volatile String closingBase;
    static volatile String readingThread;
    static final Map<String, String> LISTENER_THREADS = new java.util.concurrent.ConcurrentHashMap<>();

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void requestsFailedAsTheirConnectionIsRefusedNeverRunWithTheTokenOfTheThreadThatMadeIt() throws Exception {
        check(new HttpClient());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withTheResolverOnTheCallingThread() throws Exception {
        HttpClient synchronous = new HttpClient();
        synchronous.setSocketAddressResolver(new SocketAddressResolver.Sync());
        check(synchronous);
    }

    private static void check(HttpClient configured) throws Exception {
        LISTENER_THREADS.clear();
        Map<String, String> tokens = new HashMap<>();
        tokens.put("alice", Tokens.valid("alice"));
        tokens.put("bob", Tokens.valid("bob"));
        Server server = Jetty12Server.started(new QueuedThreadPool(32, 3), Jetty12Server.context("/", new CallingServlet()));
        client = configured;
        client.setMaxConnectionsPerDestination(1);
        client.start();
        String base = "http://localhost:" + Jetty12Server.portOf(server);
        ServerSocket closing = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        closingBase = "http://localhost:" + closing.getLocalPort();
        Thread answering = new Thread(() -> answerOnceThenStopListening(closing), "closing-downstream");
        answering.start();
        try (MockWebServer downstream = new MockWebServer()) {
            for (int i = 0; i < 10; i++) {
                downstream.enqueue(new MockResponse.Builder().code(200).body("ok").build());
            }
            downstream.start(InetAddress.getByName("127.0.0.1"), 0);
            downstreamBase = "http://localhost:" + downstream.getPort();
            ExecutorService callers = Executors.newFixedThreadPool(3);
            try {
                Future<RawHttp.Response> alice = callers.submit(() -> RawHttp.get(base, "/read?caller=alice", RawHttp.bearer(tokens.get("alice"))));
                Thread.sleep(300);
                List<Future<RawHttp.Response>> queued = new ArrayList<>();
                queued.add(callers.submit(() -> RawHttp.get(base, "/queued?caller=bob", RawHttp.bearer(tokens.get("bob")))));
                Thread.sleep(100);
                queued.add(callers.submit(() -> RawHttp.get(base, "/queued?caller=nobody")));
                assertEquals(200, alice.get(30, TimeUnit.SECONDS).status);
                for (Future<RawHttp.Response> each : queued) {
                    assertEquals(502, each.get(30, TimeUnit.SECONDS).status, "refused");
                }
            } finally {
                callers.shutdownNow();
            }
            QueuedArrivals arrivals = QueuedArrivals.collect(downstream, tokens, false);
            List<String> wrong = arrivals.wrong;
            List<String> seen = arrivals.seen;
            System.out.println("arrived: " + seen + "; listeners' threads " + LISTENER_THREADS + ", alice's " + readingThread);
            assertEquals(List.of(), wrong, "listeners' calls with another caller's token; all: " + seen);
            assertEquals(2, seen.size(), "the queued requests' listeners' calls: " + seen);
        } finally {
            client.stop();
            server.stop();
            closing.close();
            answering.join(5000);
        }
    }

    /**
     * Answers the first connection with half its body and {@code Connection: close}, stops listening
     * (later connections are refused), then sends the rest of the body a second later and closes.
     */
    private static void answerOnceThenStopListening(ServerSocket listening) {
        try (Socket socket = listening.accept()) {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: 64\r\nConnection: close\r\n\r\n" + "x".repeat(32)).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            listening.close();
            Thread.sleep(1000);
            out.write("x".repeat(32).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200);
        } catch (IOException | InterruptedException e) {
            // the test's assertions tell
        }
    }

    static final class CallingServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String caller = request.getParameter("caller");
            try {
                if (request.getRequestURI().equals("/read")) {
                    readingThread = Thread.currentThread().getName();
                    InputStreamResponseListener listener = new InputStreamResponseListener();
                    client.newRequest(closingBase + "/long-body?caller=" + caller).send(listener);
                    Response answer = listener.get(10, TimeUnit.SECONDS);
                    try (InputStream body = listener.getInputStream()) {
                        byte[] buffer = new byte[16];
                        body.read(buffer);
                        // The others queue meanwhile, and the rest of the body arrives, unread.
                        Thread.sleep(1500);
                        body.readAllBytes();
                    }
                    response.setStatus(answer.getStatus());
                    return;
                }
                int status = client.newRequest(closingBase + "/orders?caller=" + caller)
                        .onComplete(result -> callFromTheListener(caller))
                        .send().getStatus();
                response.setStatus(status);
            } catch (java.util.concurrent.ExecutionException e) {
                response.setStatus(502);
            } catch (Exception e) {
                throw new IOException(e);
            }
        }

        private static void callFromTheListener(String caller) {
            LISTENER_THREADS.put(caller, Thread.currentThread().getName());
            try {
                HttpURLConnection connection = (HttpURLConnection) new URL(downstreamBase + "/listener?caller=" + caller).openConnection();
                connection.getResponseCode();
                connection.getInputStream().readAllBytes();
                connection.disconnect();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
