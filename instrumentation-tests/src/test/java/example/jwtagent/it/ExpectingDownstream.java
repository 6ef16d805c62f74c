package example.jwtagent.it;

import com.auth0.jwt.JWT;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A downstream service that checks each request as it arrives: the path {@code /expect/<caller>/...}
 * names whose token must arrive ({@code none}: no {@code Authorization} at all), and anything else
 * is recorded as a mismatch, described by subject (never by token).
 */
public final class ExpectingDownstream implements AutoCloseable {
    public static final String NONE = "none";

    private final MockWebServer server = new MockWebServer();
    private final AtomicInteger received = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> mismatches = new ConcurrentLinkedQueue<>();

    /** @param tokens each caller's token, by the name used in the path */
    public ExpectingDownstream(Map<String, String> tokens) throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                check(tokens, request);
                received.incrementAndGet();
                return new MockResponse.Builder().code(200).body("ok").build();
            }
        });
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    /** A URL (under the allowed name) that expects {@code caller}'s token, or none for {@link #NONE}. */
    public String urlExpecting(String caller, String requestId) {
        return "http://localhost:" + server.getPort() + "/expect/" + caller + "/" + requestId;
    }

    public int received() {
        return received.get();
    }

    public List<String> mismatches() {
        return List.copyOf(mismatches);
    }

    private void check(Map<String, String> tokens, RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        String[] parts = path.split("/");
        List<String> arrived = request.getHeaders().values("Authorization");
        if (parts.length < 4 || !parts[1].equals("expect")) {
            mismatches.add(path + ": not a path of this test");
            return;
        }
        String caller = parts[2];
        boolean matches = caller.equals(NONE) ? arrived.isEmpty()
                : arrived.size() == 1 && arrived.get(0).equals("Bearer " + tokens.get(caller));
        if (!matches) {
            mismatches.add(path + ": expected " + caller + ", got " + describe(arrived));
        }
    }

    private static String describe(List<String> authorization) {
        if (authorization.isEmpty()) {
            return "no token";
        }
        StringBuilder subjects = new StringBuilder();
        for (String value : authorization) {
            try {
                subjects.append("token of ").append(JWT.decode(value.substring("Bearer ".length())).getSubject()).append(' ');
            } catch (RuntimeException e) {
                subjects.append("an unreadable value ");
            }
        }
        return subjects.toString().trim();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
