package example.jwtagent.it;

import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One Jetty 12 {@code HttpClient} with one connection per destination, shared by a service's
 * callers. Alice's exchange holds the connection, and she reads its body on her own request's
 * thread ({@code InputStreamResponseListener}): the rest of the body is read, her exchange
 * completed and the connection released where she demands it, on her thread. Bob's request and a
 * tokenless caller's wait in the destination's queue meanwhile; each has an {@code onRequestBegin}
 * listener that calls downstream (as tracing or auditing code may). Those listeners run where the
 * waiting requests are sent: they must carry their own caller's token or none, never alice's.
 */
class Jetty12QueuedRequestListenersTest {
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aQueuedRequestsListenersNeverRunWithTheTokenOfTheCallerWhoseThreadSendsIt() throws Exception {
        try (SharedClientService service = SharedClientService.start(SharedClientService.oneConnectionPerDestination(new HttpClient()),
                SharedClientService.longBodyOrOk(), Jetty12QueuedRequestListenersTest::serve)) {
            Future<RawHttp.Response> alice = service.call("/read", "alice");
            assertEquals("/long-body", service.downstream.takeRequest(10, TimeUnit.SECONDS).getUrl().encodedPath());
            Thread.sleep(200);
            List<Future<RawHttp.Response>> queued = service.bobThenNobody("/queued");
            assertEquals(200, alice.get(30, TimeUnit.SECONDS).status);
            for (Future<RawHttp.Response> each : queued) {
                assertEquals(200, each.get(30, TimeUnit.SECONDS).status);
            }
            QueuedArrivals arrivals = service.arrivals(false);
            assertEquals(service.alicesThread, service.listenerThreads.get("bob"), "bob's request was sent on alice's thread, as she read her exchange to its end");
            assertEquals(List.of(), arrivals.wrong, "calls with another caller's token; all: " + arrivals.seen);
            assertEquals(4, arrivals.seen.size(), "two queued requests and their listeners' calls: " + arrivals.seen);
        }
    }

    /** Serves {@code caller}'s request for {@code path}: makes its calls, returns the status to answer with. */
    static int serve(SharedClientService service, String path, String caller) throws Exception {
        if (path.equals("/read")) {
            return service.readToTheEndOnThisThread(service.client.newRequest(service.downstreamBase + "/long-body?caller=" + caller), 1000);
        }
        return service.client.newRequest(service.downstreamBase + "/orders?caller=" + caller)
                .onRequestBegin(sent -> service.callFromTheListener(caller))
                .send().getStatus();
    }
}
