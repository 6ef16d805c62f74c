package example.jwtagent.it;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URL;
import java.net.URLEncoder;
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
 * {@link Jetty12QueuedRequestListenersTest}, where the waiting requests have a total timeout
 * shorter than alice's exchange holds the connection: they expire in the destination's queue (one
 * timer serves every waiting request of a destination) and fail there. Their {@code onComplete}
 * listeners call downstream: with their own caller's token or none, never alice's (who was the
 * first to wait with a timeout).
 */
class Jetty12QueuedTimeoutTest {
    static volatile HttpClient client;
    static volatile String downstreamBase;
    /** The thread alice's request ran on, which reads her exchange to its end. */
    static volatile String readingThread;
    /** The thread each caller's onRequestBegin listener ran on. */
    static final Map<String, String> LISTENER_THREADS = new java.util.concurrent.ConcurrentHashMap<>();

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aQueuedRequestsListenersNeverRunWithTheTokenOfTheCallerWhoseThreadSendsIt() throws Exception {
        Map<String, String> tokens = new HashMap<>();
        tokens.put("alice", Tokens.valid("alice"));
        tokens.put("bob", Tokens.valid("bob"));
        QueuedThreadPool pool = new QueuedThreadPool(32, 3);
        Server server = Jetty12Server.started(pool, Jetty12Server.context("/", new CallingServlet()));
        client = new HttpClient();
        client.setMaxConnectionsPerDestination(1);
        client.start();
        String base = "http://localhost:" + Jetty12Server.portOf(server);
        try (MockWebServer downstream = new MockWebServer()) {
            downstream.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    if (request.getUrl().encodedPath().equals("/long-body")) {
                        // Half the body at once, the rest 300 ms later: alice's thread reads it.
                        return new MockResponse.Builder().code(200).body("x".repeat(64))
                                .throttleBody(32, 300, TimeUnit.MILLISECONDS).build();
                    }
                    return new MockResponse.Builder().code(200).body("ok").build();
                }
            });
            downstream.start(InetAddress.getByName("127.0.0.1"), 0);
            downstreamBase = "http://localhost:" + downstream.getPort();
            ExecutorService callers = Executors.newFixedThreadPool(3);
            try {
                Future<RawHttp.Response> alice = callers.submit(() -> RawHttp.get(base, "/read?caller=alice", RawHttp.bearer(tokens.get("alice"))));
                RecordedRequest first = downstream.takeRequest(10, TimeUnit.SECONDS);
                assertEquals("/long-body", first.getUrl().encodedPath());
                Thread.sleep(200);
                List<Future<RawHttp.Response>> queued = new ArrayList<>();
                queued.add(callers.submit(() -> RawHttp.get(base, "/queued?caller=bob", RawHttp.bearer(tokens.get("bob")))));
                Thread.sleep(100);
                queued.add(callers.submit(() -> RawHttp.get(base, "/queued?caller=nobody")));
                assertEquals(200, alice.get(30, TimeUnit.SECONDS).status);
                for (Future<RawHttp.Response> each : queued) {
                    assertEquals(504, each.get(30, TimeUnit.SECONDS).status, "expired while waiting for the connection");
                }
            } finally {
                callers.shutdownNow();
            }
            QueuedArrivals arrivals = QueuedArrivals.collect(downstream, tokens, false);
            List<String> wrong = arrivals.wrong;
            List<String> seen = arrivals.seen;
            System.out.println("arrived: " + seen + "; listeners' threads " + LISTENER_THREADS + ", alice's " + readingThread);
            assertEquals(List.of(), wrong, "calls with another caller's token; all: " + seen);
            assertEquals(2, seen.size(), "the expired requests' listeners' calls: " + seen);
        } finally {
            client.stop();
            server.stop();
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
                    client.newRequest(downstreamBase + "/long-body?caller=" + caller).timeout(10, TimeUnit.SECONDS).send(listener);
                    Response answer = listener.get(10, TimeUnit.SECONDS);
                    try (InputStream body = listener.getInputStream()) {
                        byte[] buffer = new byte[16];
                        body.read(buffer);
                        // The others queue meanwhile, and the rest of the body arrives, unread.
                        Thread.sleep(1000);
                        body.readAllBytes();
                    }
                    response.setStatus(answer.getStatus());
                    return;
                }
                int status = client.newRequest(downstreamBase + "/orders?caller=" + caller)
                        .timeout(500, TimeUnit.MILLISECONDS)
                        .onComplete(result -> callFromTheListener(caller))
                        .send().getStatus();
                response.setStatus(status);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                response.setStatus(504);
            } catch (Exception e) {
                throw new IOException(e);
            }
        }

        private static void callFromTheListener(String caller) {
            LISTENER_THREADS.put(caller, Thread.currentThread().getName());
            try {
                HttpURLConnection connection = (HttpURLConnection) new URL(downstreamBase + "/listener?caller="
                        + URLEncoder.encode(caller, StandardCharsets.UTF_8)).openConnection();
                connection.getResponseCode();
                connection.getInputStream().readAllBytes();
                connection.disconnect();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
