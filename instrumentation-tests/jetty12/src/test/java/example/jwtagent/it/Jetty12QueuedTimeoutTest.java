package example.jwtagent.it;

import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Jetty12QueuedRequestListenersTest}, where the waiting requests have a total timeout
 * shorter than alice's exchange holds the connection: they expire in the destination's queue (one
 * timer serves every waiting request of a destination) and fail there. Their {@code onComplete}
 * listeners call downstream: with their own caller's token or none, never alice's (who was the
 * first to wait with a timeout).
 */
class Jetty12QueuedTimeoutTest {
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aQueuedRequestsListenersNeverRunWithTheTokenOfTheCallerWhoseThreadSendsIt() throws Exception {
        try (SharedClientService service = SharedClientService.start(SharedClientService.oneConnectionPerDestination(new HttpClient()),
                SharedClientService.longBodyOrOk(), Jetty12QueuedTimeoutTest::serve)) {
            Future<RawHttp.Response> alice = service.call("/read", "alice");
            assertEquals("/long-body", service.downstream.takeRequest(10, TimeUnit.SECONDS).getUrl().encodedPath());
            Thread.sleep(200);
            List<Future<RawHttp.Response>> queued = service.bobThenNobody("/queued");
            assertEquals(200, alice.get(30, TimeUnit.SECONDS).status);
            for (Future<RawHttp.Response> each : queued) {
                assertEquals(504, each.get(30, TimeUnit.SECONDS).status, "expired while waiting for the connection");
            }
            QueuedArrivals arrivals = service.arrivals(false);
            assertEquals(List.of(), arrivals.wrong, "calls with another caller's token; all: " + arrivals.seen);
            assertEquals(2, arrivals.seen.size(), "the expired requests' listeners' calls: " + arrivals.seen);
        }
    }

    /** Serves {@code caller}'s request for {@code path}: makes its calls, returns the status to answer with. */
    static int serve(SharedClientService service, String path, String caller) throws Exception {
        try {
            if (path.equals("/read")) {
                return service.readToTheEndOnThisThread(
                        service.client.newRequest(service.downstreamBase + "/long-body?caller=" + caller).timeout(10, TimeUnit.SECONDS), 1000);
            }
            return service.client.newRequest(service.downstreamBase + "/orders?caller=" + caller)
                    .timeout(500, TimeUnit.MILLISECONDS)
                    .onComplete(result -> service.callFromTheListener(caller))
                    .send().getStatus();
        } catch (TimeoutException | ExecutionException e) {
            return 504;
        }
    }
}
