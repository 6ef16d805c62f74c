package example.jwtagent.it;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
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
    /** Per caller: the downstream service has answered its request. */
    static final Map<String, CountDownLatch> ANSWERED = new ConcurrentHashMap<>();

    @ParameterizedTest(name = "redirected: {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aQueuedRequestsListenersAndRedirectNeverRunWithTheTokenOfTheCallerWhoseThreadSendsIt(boolean redirected) throws Exception {
        ANSWERED.clear();
        Dispatcher downstreamAnswers = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (request.getUrl().encodedPath().equals("/orders")) {
                    answered(request.getUrl().queryParameter("caller")).countDown();
                    if (redirected) {
                        return new MockResponse.Builder().code(302)
                                .addHeader("Location", "/orders-moved?caller=" + request.getUrl().queryParameter("caller")).build();
                    }
                }
                return SharedClientService.longBodyOrOk(request);
            }
        };
        try (SharedClientService service = SharedClientService.start(SharedClientService.oneConnectionPerDestination(new HttpClient()),
                downstreamAnswers, Jetty12QueuedResponseListenersTest::serve)) {
            Future<RawHttp.Response> alice = service.call("/read", "alice");
            assertEquals("/long-body", service.downstream.takeRequest(10, TimeUnit.SECONDS).getUrl().encodedPath());
            Thread.sleep(200);
            List<Future<RawHttp.Response>> queued = service.bobThenNobody("/queued");
            assertEquals(200, alice.get(30, TimeUnit.SECONDS).status);
            for (Future<RawHttp.Response> each : queued) {
                assertEquals(200, each.get(30, TimeUnit.SECONDS).status);
            }
            QueuedArrivals arrivals = service.arrivals(true);
            List<String> seen = arrivals.seen;
            assertEquals(service.alicesThread, service.listenerThreads.get("bob begin"), "bob's request was sent on alice's thread, as she read her exchange to its end");
            assertEquals(List.of(), arrivals.wrong, "calls with another caller's token; all: " + seen);
            if (redirected) {
                for (String caller : List.of("bob", "nobody")) {
                    assertEquals(1, seen.stream().filter(line -> line.startsWith("/orders-moved null of " + caller + ":")).count(),
                            caller + "'s request was redirected: " + seen);
                }
            } else {
                assertEquals(service.alicesThread, service.listenerThreads.get("bob response"), "bob's answer was read on alice's thread");
                assertEquals(12, seen.size(), "two queued requests and their listeners' calls: " + seen);
            }
        }
    }

    static CountDownLatch answered(String caller) {
        return ANSWERED.computeIfAbsent(caller, key -> new CountDownLatch(1));
    }

    /** Serves {@code caller}'s request for {@code path}: makes its calls, returns the status to answer with. */
    static int serve(SharedClientService service, String path, String caller) throws Exception {
        if (path.equals("/read")) {
            return service.readToTheEndOnThisThread(service.client.newRequest(service.downstreamBase + "/long-body?caller=" + caller), 1000);
        }
        return service.client.newRequest(service.downstreamBase + "/orders?caller=" + caller)
                .onRequestBegin(sent -> service.callFromTheListener(caller, "begin"))
                .onRequestSuccess(sent -> {
                    service.callFromTheListener(caller, "sent");
                    awaitAnswer(caller);
                })
                .onResponseBegin(answer -> service.callFromTheListener(caller, "response"))
                .onResponseContent((answer, content) -> service.callFromTheListener(caller, "content"))
                .onComplete(result -> service.callFromTheListener(caller, "complete"))
                .send().getStatus();
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
}
