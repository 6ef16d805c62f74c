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
 *   <li>{@code /call?url=U&client=C[&via=H][&auth=A]}: calls U with client C (on hand-off H),
 *       setting Authorization A itself when given, and answers with the downstream status.</li>
 * </ul>
 * Every other path answers like {@code /echo}.
 */
public final class RelayApp {
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
                int status = Handoffs.run(parameter.apply("via"),
                        () -> DownstreamClients.byName(client).get(url, authorization));
                body.append("downstream=").append(status).append('\n');
            } catch (Exception e) {
                body.append("downstream-error=").append(e).append('\n');
                return new Answer(502, body.toString());
            }
        }
        return new Answer(200, body.toString());
    }
}
