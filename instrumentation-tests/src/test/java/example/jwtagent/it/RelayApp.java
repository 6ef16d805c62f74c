package example.jwtagent.it;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The test service, independent of the servlet API so that the javax and jakarta wrappers stay
 * thin. It knows nothing of the agent: it reads the request attributes the agent documents and
 * calls downstream when asked.
 *
 * <ul>
 *   <li>{@code /echo}: answers with the subject and claims the agent put on the request;</li>
 *   <li>{@code /call?url=U&client=C[&via=H][&delay=MS][&auth=A]}: calls U with client C (on
 *       hand-off H, see {@link Handoffs}, after MS milliseconds), setting Authorization A itself
 *       when given, and answers with the downstream status;</li>
 *   <li>{@code /async-call?...}: the same, from a task given to {@code AsyncContext.start};</li>
 *   <li>{@code /async-late-call?...}: answers at once from an {@code AsyncContext.start} task, and
 *       that task makes the call after the response is complete;</li>
 *   <li>{@code /dispatch-call?...}: {@code startAsync()} and {@code dispatch} to {@code /call}.</li>
 * </ul>
 * Every other path answers like {@code /echo}.
 */
public final class RelayApp {
    /** Where {@code /dispatch-call} dispatches to, and what {@code /async-call} runs. */
    public static final String CALL_PATH = "/call";

    /** How the servlet wrappers run a request. */
    public enum Route { SYNC, ASYNC_START, ASYNC_AFTER_RESPONSE, ASYNC_DISPATCH }

    /** How many requests reached application code (servlet) and application filters. */
    public static final AtomicInteger SERVLET_CALLS = new AtomicInteger();
    public static final AtomicInteger FILTER_CALLS = new AtomicInteger();

    private RelayApp() {
    }

    /** The answer: status and body. */
    public static final class Answer {
        public final int status;
        public final String body;

        Answer(int status, String body) {
            this.status = status;
            this.body = body;
        }
    }

    public static Route route(String path) {
        if (path.startsWith("/async-call")) {
            return Route.ASYNC_START;
        }
        if (path.startsWith("/async-late-call")) {
            return Route.ASYNC_AFTER_RESPONSE;
        }
        if (path.startsWith("/dispatch-call")) {
            return Route.ASYNC_DISPATCH;
        }
        return Route.SYNC;
    }

    /** For {@link Route#ASYNC_AFTER_RESPONSE}: the answer sent before the call is made. */
    public static Answer accepted() {
        return new Answer(202, "accepted\n");
    }

    /**
     * For {@link Route#ASYNC_AFTER_RESPONSE}: the call, with its parameters read now (the request
     * object may be recycled once the response is complete).
     */
    public static Runnable callAfterResponse(Function<String, String> parameter) {
        String url = parameter.apply("url");
        String client = parameter.apply("client");
        String authorization = parameter.apply("auth");
        String via = parameter.apply("via");
        long delay = delayMillis(parameter);
        return () -> {
            try {
                Handoffs.run(via, delay, () -> DownstreamClients.byName(client).get(url, authorization));
            } catch (Exception e) {
                // No response is left to fail; what the tests check is what reached the downstream service.
                System.err.println("late call failed: " + e);
            }
        };
    }

    public static Answer handle(String path, Function<String, String> parameter, Function<String, Object> attribute) {
        SERVLET_CALLS.incrementAndGet();
        StringBuilder body = new StringBuilder();
        body.append("subject=").append(attribute.apply("jwt.agent.subject")).append('\n');
        Object claims = attribute.apply("jwt.agent.claims");
        body.append("claims=").append(claims instanceof Map ? "map:" + ((Map<?, ?>) claims).get("sub") : String.valueOf(claims)).append('\n');
        if (path.startsWith("/call")) {
            String url = parameter.apply("url");
            String client = parameter.apply("client");
            String authorization = parameter.apply("auth");
            try {
                int status = Handoffs.run(parameter.apply("via"), delayMillis(parameter),
                        () -> DownstreamClients.byName(client).get(url, authorization));
                body.append("downstream=").append(status).append('\n');
            } catch (Exception e) {
                body.append("downstream-error=").append(e).append('\n');
                return new Answer(502, body.toString());
            }
        }
        return new Answer(200, body.toString());
    }

    private static long delayMillis(Function<String, String> parameter) {
        String delay = parameter.apply("delay");
        return delay == null ? 0 : Long.parseLong(delay);
    }
}
