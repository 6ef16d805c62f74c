package example.jwtagent.it;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
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
    static volatile String h2Base;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aQueuedRequestsListenersNeverRunWithTheTokenOfTheCallerWhoseThreadSendsIt() throws Exception {
        Server h2 = h2cServer();
        h2Base = "http://localhost:" + Jetty12Server.portOf(h2);
        try (SharedClientService service = SharedClientService.start(
                SharedClientService.oneConnectionPerDestination(new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()))),
                SharedClientService.longBodyOrOk(), Jetty12Http2QueuedStreamsTest::serve)) {
            Future<RawHttp.Response> alice = service.call("/read", "alice");
            Thread.sleep(500);
            List<Future<RawHttp.Response>> queued = service.bobThenNobody("/queued");
            assertEquals(200, alice.get(30, TimeUnit.SECONDS).status);
            for (Future<RawHttp.Response> each : queued) {
                assertEquals(200, each.get(30, TimeUnit.SECONDS).status);
            }
            QueuedArrivals arrivals = service.arrivals(true);
            assertEquals(List.of(), arrivals.wrong, "calls with another caller's token; all: " + arrivals.seen);
            assertEquals(6, arrivals.seen.size(), "the queued requests' listeners' calls: " + arrivals.seen);
        } finally {
            h2.stop();
        }
    }

    /** An h2c server (prior knowledge) allowing one stream at a time; {@code /long-body} sends half its body, the rest 300 ms later. */
    private static Server h2cServer() throws Exception {
        HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(new HttpConfiguration());
        h2c.setMaxConcurrentStreams(1);
        return Jetty12Server.started(new QueuedThreadPool(16, 3), new Handler.Abstract() {
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
        }, h2c);
    }

    /** Serves {@code caller}'s request for {@code path}: makes its calls, returns the status to answer with. */
    static int serve(SharedClientService service, String path, String caller) throws Exception {
        if (path.equals("/read")) {
            return service.readToTheEndOnThisThread(service.client.newRequest(h2Base + "/long-body?caller=" + caller), 1000);
        }
        return service.client.newRequest(h2Base + "/orders?caller=" + caller)
                .onRequestBegin(sent -> service.callFromTheListener(caller, "begin"))
                .onResponseBegin(answer -> service.callFromTheListener(caller, "response"))
                .onComplete(result -> service.callFromTheListener(caller, "complete"))
                .send().getStatus();
    }
}
