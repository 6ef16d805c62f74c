package example.jwtagent.it;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
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
    static volatile String h2Base;
    static final CountDownLatch OPEN_STREAMS = new CountDownLatch(2);
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void streamsFailedWithTheirConnectionNeverRunWithAnotherCallersToken() throws Exception {
        Server h2 = h2cServer();
        h2Base = "http://localhost:" + Jetty12Server.portOf(h2);
        try (SharedClientService service = SharedClientService.start(new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client())),
                SharedClientService.oks(10), Jetty12Http2SessionFailureTest::serve)) {
            try {
                // The connection is made, and its SETTINGS known, before the callers share it.
                assertEquals(200, service.client.newRequest(h2Base + "/warm").send().getStatus());
                List<Future<RawHttp.Response>> open = new ArrayList<>();
                open.add(service.call("/slow", "bob"));
                open.add(service.call("/slow", "nobody"));
                assertTrue(OPEN_STREAMS.await(10, TimeUnit.SECONDS), "bob's and the other caller's streams are open");
                RawHttp.Response alice = service.call("/kill", "alice").get(30, TimeUnit.SECONDS);
                RELEASE.countDown();
                assertEquals(502, alice.status, "the server closed the connection at alice's request");
                for (Future<RawHttp.Response> each : open) {
                    assertEquals(502, each.get(30, TimeUnit.SECONDS).status, "failed with the session");
                }
            } finally {
                RELEASE.countDown();
            }
            QueuedArrivals arrivals = service.arrivals(false);
            assertEquals(List.of(), arrivals.wrong, "listeners' calls with another caller's token; all: " + arrivals.seen);
            assertEquals(2, arrivals.seen.size(), "bob's and the other caller's listeners' calls: " + arrivals.seen);
        } finally {
            h2.stop();
        }
    }

    /** An h2c server (prior knowledge) whose {@code /slow} answers once released. */
    private static Server h2cServer() throws Exception {
        return Jetty12Server.started(new QueuedThreadPool(16, 3), new Handler.Abstract() {
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
        }, new HTTP2CServerConnectionFactory(new HttpConfiguration()));
    }

    /** Serves {@code caller}'s request for {@code path}: makes its calls, returns the status to answer with. */
    static int serve(SharedClientService service, String path, String caller) throws Exception {
        try {
            if (path.equals("/kill")) {
                service.alicesThread = Thread.currentThread().getName();
                service.client.newRequest(h2Base + "/kill?caller=" + caller).send();
                return 200;
            }
            return service.client.newRequest(h2Base + "/slow?caller=" + caller)
                    .onComplete(result -> service.callFromTheListener(caller))
                    .send().getStatus();
        } catch (ExecutionException e) {
            return 502;
        }
    }
}
