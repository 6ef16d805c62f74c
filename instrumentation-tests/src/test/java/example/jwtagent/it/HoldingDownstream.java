package example.jwtagent.it;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A downstream service that answers every request with its headers at once and holds the body back
 * for 30 seconds: an exchange with it stays open until something else ends it.
 */
final class HoldingDownstream implements AutoCloseable {
    private final MockWebServer server = new MockWebServer();

    HoldingDownstream() throws IOException {
        server.setDispatcher(new mockwebserver3.Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().code(200).body("held").bodyDelay(30, TimeUnit.SECONDS).build();
            }
        });
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    /**
     * alice, carol and a caller without a token each open an exchange with this downstream through
     * {@code client} of {@code service}, whose callbacks call {@code then}; waits until each arrived.
     */
    void holdThreeExchanges(TestServer service, String client, String then) throws Exception {
        for (String caller : Arrays.asList("alice", "carol", null)) {
            String url = url("/hold?then=" + URLEncoder.encode(then, StandardCharsets.UTF_8));
            ClientContractTest.call(service, client, url, caller == null ? null : Tokens.valid(caller), null);
            assertNotNull(take(), "the exchange reached the holding downstream");
        }
    }

    /** The URL of {@code pathAndQuery} on this downstream, by the name {@code localhost}. */
    String url(String pathAndQuery) {
        return "http://localhost:" + server.getPort() + pathAndQuery;
    }

    /** The next request that arrived, waiting up to 10 seconds; null if none. */
    RecordedRequest take() throws InterruptedException {
        return server.takeRequest(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
