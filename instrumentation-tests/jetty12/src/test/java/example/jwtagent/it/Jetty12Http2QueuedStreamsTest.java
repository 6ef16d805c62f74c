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
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
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
 * {@link Jetty12QueuedRequestListenersTest} over HTTP/2 (h2c): one connection whose server allows
 * one stream at a time, so bob's request and a tokenless caller's wait in the destination's queue
 * while alice reads her answer on her own request's thread. Their request and response listeners
 * call downstream: with their own caller's token or none, never alice's.
 */
class Jetty12Http2QueuedStreamsTest {
    static volatile HttpClient client;
    static volatile String downstreamBase;
    static volatile String h2Base;
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
        client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        client.setMaxConnectionsPerDestination(1);
        client.start();
        Server h2 = h2cServer();
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
            h2Base = "http://localhost:" + ((ServerConnector) h2.getConnectors()[0]).getLocalPort();
            ExecutorService callers = Executors.newFixedThreadPool(3);
            try {
                Future<RawHttp.Response> alice = callers.submit(() -> RawHttp.get(base, "/read?caller=alice", RawHttp.bearer(tokens.get("alice"))));
                Thread.sleep(500);
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
            assertEquals(List.of(), wrong, "calls with another caller's token; all: " + seen);
            assertEquals(6, seen.size(), "the queued requests' listeners' calls: " + seen);
        } finally {
            client.stop();
            h2.stop();
            server.stop();
        }
    }

    /** An h2c server (prior knowledge) allowing one stream at a time; {@code /long-body} sends half its body, the rest 300 ms later. */
    private static Server h2cServer() throws Exception {
        Server h2 = new Server(new QueuedThreadPool(16, 3));
        HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(new HttpConfiguration());
        h2c.setMaxConcurrentStreams(1);
        ServerConnector connector = new ServerConnector(h2, 1, 1, h2c);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        h2.addConnector(connector);
        h2.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response, Callback callback) throws Exception {
                response.setStatus(200);
                if (org.eclipse.jetty.server.Request.getPathInContext(request).equals("/long-body")) {
                    org.eclipse.jetty.util.FutureCallback half = new org.eclipse.jetty.util.FutureCallback();
                    response.write(false, java.nio.ByteBuffer.wrap("x".repeat(32).getBytes()), half);
                    half.get(5, TimeUnit.SECONDS);
                    Thread.sleep(300);
                    response.write(true, java.nio.ByteBuffer.wrap("x".repeat(32).getBytes()), callback);
                    return true;
                }
                response.write(true, java.nio.ByteBuffer.wrap("ok".getBytes()), callback);
                return true;
            }
        });
        h2.start();
        return h2;
    }

    static final class CallingServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String caller = request.getParameter("caller");
            try {
                if (request.getRequestURI().equals("/read")) {
                    readingThread = Thread.currentThread().getName();
                    InputStreamResponseListener listener = new InputStreamResponseListener();
                    client.newRequest(h2Base + "/long-body?caller=" + caller).send(listener);
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
                int status = client.newRequest(h2Base + "/orders?caller=" + caller)
                        .onRequestBegin(sent -> callFromTheListener(caller, "begin"))
                        .onResponseBegin(answer -> callFromTheListener(caller, "response"))
                        .onComplete(result -> callFromTheListener(caller, "complete"))
                        .send().getStatus();
                response.setStatus(status);
            } catch (Exception e) {
                throw new IOException(e);
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
