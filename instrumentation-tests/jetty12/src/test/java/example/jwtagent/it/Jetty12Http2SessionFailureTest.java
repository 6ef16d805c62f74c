package example.jwtagent.it;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One Jetty 12 {@code HttpClient} over HTTP/2 (h2c), shared by a service's callers: their
 * requests are streams of one connection. Bob's and a tokenless caller's streams are open, waiting
 * for their answers, when the server closes the connection as it gets alice's request. Every open
 * stream fails; bob's and the other caller's {@code onComplete} listeners call downstream (as
 * tracing or auditing code may): with their own caller's token or none, never alice's. (A request
 * whose headers exceed the server's {@code SETTINGS_MAX_HEADER_LIST_SIZE}, an HPACK session error
 * on its caller's thread, fails that request only, not the session's other streams, in 12.1.14.)
 */
class Jetty12Http2SessionFailureTest {
    static volatile HttpClient client;
    static volatile String h2Base;
    static volatile String downstreamBase;
    static final CountDownLatch OPEN_STREAMS = new CountDownLatch(2);
    static final CountDownLatch RELEASE = new CountDownLatch(1);
    static final Map<String, String> LISTENER_THREADS = new java.util.concurrent.ConcurrentHashMap<>();
    static volatile String alicesThread;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void streamsFailedWithTheirConnectionNeverRunWithAnotherCallersToken() throws Exception {
        Map<String, String> tokens = new HashMap<>();
        tokens.put("alice", Tokens.valid("alice"));
        tokens.put("bob", Tokens.valid("bob"));
        Server server = Jetty12Server.started(new QueuedThreadPool(32, 3), Jetty12Server.context("/", new CallingServlet()));
        Server h2 = h2cServer();
        h2Base = "http://localhost:" + ((ServerConnector) h2.getConnectors()[0]).getLocalPort();
        client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        client.start();
        String base = "http://localhost:" + Jetty12Server.portOf(server);
        try (MockWebServer downstream = new MockWebServer()) {
            for (int i = 0; i < 10; i++) {
                downstream.enqueue(new MockResponse.Builder().code(200).body("ok").build());
            }
            downstream.start(InetAddress.getByName("127.0.0.1"), 0);
            downstreamBase = "http://localhost:" + downstream.getPort();
            ExecutorService callers = Executors.newFixedThreadPool(3);
            try {
                // The connection is made, and its SETTINGS known, before the callers share it.
                assertEquals(200, client.newRequest(h2Base + "/warm").send().getStatus());
                List<Future<RawHttp.Response>> open = new ArrayList<>();
                open.add(callers.submit(() -> RawHttp.get(base, "/slow?caller=bob", RawHttp.bearer(tokens.get("bob")))));
                open.add(callers.submit(() -> RawHttp.get(base, "/slow?caller=nobody")));
                assertTrue(OPEN_STREAMS.await(10, TimeUnit.SECONDS), "bob's and the other caller's streams are open");
                RawHttp.Response alice = callers.submit(() -> RawHttp.get(base, "/kill?caller=alice", RawHttp.bearer(tokens.get("alice"))))
                        .get(30, TimeUnit.SECONDS);
                RELEASE.countDown();
                assertEquals(502, alice.status, "the server closed the connection at alice's request");
                for (Future<RawHttp.Response> each : open) {
                    assertEquals(502, each.get(30, TimeUnit.SECONDS).status, "failed with the session");
                }
            } finally {
                RELEASE.countDown();
                callers.shutdownNow();
            }
            QueuedArrivals arrivals = QueuedArrivals.collect(downstream, tokens, false);
            List<String> wrong = arrivals.wrong;
            List<String> seen = arrivals.seen;
            System.out.println("arrived: " + seen + "; listeners' threads " + LISTENER_THREADS + ", alice's " + alicesThread);
            assertEquals(List.of(), wrong, "listeners' calls with another caller's token; all: " + seen);
            assertEquals(2, seen.size(), "bob's and the other caller's listeners' calls: " + seen);
        } finally {
            client.stop();
            h2.stop();
            server.stop();
        }
    }

    /** An h2c server (prior knowledge) whose {@code /slow} answers once released. */
    private static Server h2cServer() throws Exception {
        Server h2 = new Server(new QueuedThreadPool(16, 3));
        ServerConnector connector = new ServerConnector(h2, 1, 1, new HTTP2CServerConnectionFactory(new HttpConfiguration()));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        h2.addConnector(connector);
        h2.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (Request.getPathInContext(request).equals("/kill")) {
                    request.getConnectionMetaData().getConnection().getEndPoint().close();
                    callback.succeeded();
                    return true;
                }
                if (Request.getPathInContext(request).equals("/slow")) {
                    OPEN_STREAMS.countDown();
                    RELEASE.await(20, TimeUnit.SECONDS);
                }
                response.setStatus(200);
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
                if (request.getRequestURI().equals("/kill")) {
                    alicesThread = Thread.currentThread().getName();
                    client.newRequest(h2Base + "/kill?caller=" + caller).send();
                    response.setStatus(200);
                    return;
                }
                int status = client.newRequest(h2Base + "/slow?caller=" + caller)
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
