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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
 * {@link Jetty12QueuedRequestListenersTest}, where the waiting requests' {@code onRequestSuccess}
 * listeners call downstream too (auditing what was sent), and their response listeners as well. Bob's request is sent on alice's thread
 * as she reads her exchange to its end, and his answer arrives while his {@code onRequestSuccess}
 * listener runs there; alice's thread then goes on reading the connection, which now holds bob's
 * answer, and runs his response listeners ({@code onResponseBegin}, {@code onResponseContent},
 * {@code onComplete}). Every listener's call carries its own caller's token or none, never alice's.
 * Then again with the waiting requests answered with a redirect to another path of the same service:
 * bob's answer is read on alice's thread, where the client follows the redirect (a response listener
 * of its own sends the next hop), and the hop goes with bob's token or none, never with alice's.
 */
class Jetty12QueuedResponseListenersTest {
    static volatile HttpClient client;
    static volatile String downstreamBase;
    /** The thread alice's request ran on, which reads her exchange to its end. */
    static volatile String readingThread;
    /** The thread each caller's onRequestBegin listener ran on. */
    static final Map<String, String> LISTENER_THREADS = new java.util.concurrent.ConcurrentHashMap<>();
    /** Per caller: the downstream service has answered its request. */
    static final Map<String, java.util.concurrent.CountDownLatch> ANSWERED = new java.util.concurrent.ConcurrentHashMap<>();

    @ParameterizedTest(name = "redirected: {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aQueuedRequestsListenersAndRedirectNeverRunWithTheTokenOfTheCallerWhoseThreadSendsIt(boolean redirected) throws Exception {
        LISTENER_THREADS.clear();
        ANSWERED.clear();
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
                    if (request.getUrl().encodedPath().equals("/orders")) {
                        answered(request.getUrl().queryParameter("caller")).countDown();
                        if (redirected) {
                            return new MockResponse.Builder().code(302)
                                    .addHeader("Location", "/orders-moved?caller=" + request.getUrl().queryParameter("caller")).build();
                        }
                    }
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
                    assertEquals(200, each.get(30, TimeUnit.SECONDS).status);
                }
            } finally {
                callers.shutdownNow();
            }
            QueuedArrivals arrivals = QueuedArrivals.collect(downstream, tokens, true);
            List<String> wrong = arrivals.wrong;
            List<String> seen = arrivals.seen;
            System.out.println("arrived: " + seen + "; listeners' threads " + LISTENER_THREADS + ", alice's " + readingThread);
            assertEquals(readingThread, LISTENER_THREADS.get("bob begin"), "bob's request was sent on alice's thread, as she read her exchange to its end");
            assertEquals(List.of(), wrong, "calls with another caller's token; all: " + seen);
            if (redirected) {
                for (String caller : List.of("bob", "nobody")) {
                    assertEquals(1, seen.stream().filter(line -> line.startsWith("/orders-moved null of " + caller + ":")).count(),
                            caller + "'s request was redirected: " + seen);
                }
            } else {
                assertEquals(readingThread, LISTENER_THREADS.get("bob response"), "bob's answer was read on alice's thread");
                assertEquals(12, seen.size(), "two queued requests and their listeners' calls: " + seen);
            }
        } finally {
            client.stop();
            server.stop();
        }
    }

    static java.util.concurrent.CountDownLatch answered(String caller) {
        return ANSWERED.computeIfAbsent(caller, key -> new java.util.concurrent.CountDownLatch(1));
    }

    static final class CallingServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String caller = request.getParameter("caller");
            try {
                if (request.getRequestURI().equals("/read")) {
                    readingThread = Thread.currentThread().getName();
                    InputStreamResponseListener listener = new InputStreamResponseListener();
                    client.newRequest(downstreamBase + "/long-body?caller=" + caller).send(listener);
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
                        .onRequestBegin(sent -> callFromTheListener(caller, "begin"))
                        .onRequestSuccess(sent -> {
                            callFromTheListener(caller, "sent");
                            awaitAnswer(caller);
                        })
                        .onResponseBegin(answer -> callFromTheListener(caller, "response"))
                        .onResponseContent((answer, content) -> callFromTheListener(caller, "content"))
                        .onComplete(result -> callFromTheListener(caller, "complete"))
                        .send().getStatus();
                response.setStatus(status);
            } catch (Exception e) {
                throw new IOException(e);
            }
        }

        /** Until the answer to the caller's request has been sent (a listener slower than the service). */
        private static void awaitAnswer(String caller) {
            try {
                answered(caller).await(5, TimeUnit.SECONDS);
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static void callFromTheListener(String caller, String at) {
            LISTENER_THREADS.put(caller + " " + at, Thread.currentThread().getName());
            try {
                HttpURLConnection connection = (HttpURLConnection) new URL(downstreamBase + "/listener?caller="
                        + URLEncoder.encode(caller, StandardCharsets.UTF_8) + "&at=" + at).openConnection();
                connection.getResponseCode();
                connection.getInputStream().readAllBytes();
                connection.disconnect();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
