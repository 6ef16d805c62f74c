package example.jwtagent.it;

import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What arrived downstream in the Jetty 12 client tests where callers' requests wait in one
 * destination's queue: each request marked with its caller ({@code caller} parameter), named by
 * whose token it carried. A request that carried a token other than its own caller's is wrong.
 */
final class QueuedArrivals {
    /** One line per request: its path (and {@code at} parameter), its caller, whose token it carried. */
    final List<String> seen = new ArrayList<>();
    /** The lines of requests that carried a token, not their own caller's. */
    final List<String> wrong = new ArrayList<>();

    private QueuedArrivals() {
    }

    /**
     * Takes every request that arrives until none has for 300 ms (the first may take a second).
     * {@code withAt}: each line names the request's {@code at} parameter after its path.
     */
    static QueuedArrivals collect(MockWebServer downstream, Map<String, String> tokens, boolean withAt) throws InterruptedException {
        QueuedArrivals arrivals = new QueuedArrivals();
        for (RecordedRequest request = downstream.takeRequest(1000, TimeUnit.MILLISECONDS); request != null;
             request = downstream.takeRequest(300, TimeUnit.MILLISECONDS)) {
            String caller = request.getUrl().queryParameter("caller");
            List<String> values = request.getHeaders().values("Authorization");
            String whose = values.isEmpty() ? "none" : "somebody's";
            for (Map.Entry<String, String> each : tokens.entrySet()) {
                if (values.equals(List.of("Bearer " + each.getValue()))) {
                    whose = each.getKey() + "'s";
                }
            }
            String line = request.getUrl().encodedPath() + (withAt ? " " + request.getUrl().queryParameter("at") : "")
                    + " of " + caller + ": " + whose;
            arrivals.seen.add(line);
            if (!values.isEmpty() && !values.equals(List.of("Bearer " + tokens.get(caller)))) {
                arrivals.wrong.add(line);
            }
        }
        return arrivals;
    }
}
