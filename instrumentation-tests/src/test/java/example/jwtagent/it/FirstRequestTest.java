package example.jwtagent.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code Thread} (and on Java 21+ the virtual threads and {@code ForkJoinPool}) is loaded before
 * the agent and instrumented when the first inbound request with a verified token arrives, not at
 * startup; the executors are instrumented as the application loads them. The very first request of
 * a fresh JVM must still carry its token through each, also when requests without a valid token
 * came first: each case is a JVM of its own.
 */
class FirstRequestTest {

    @ParameterizedTest
    @ValueSource(strings = {"executor-submit", "cf-supply-async", "new-thread", "virtual-thread"})
    void theFirstRequestOfAJvmHandsItsTokenAcrossThreads(String via) throws Exception {
        assumeTrue(Handoffs.available(via), "needs Java 21+");
        try (Downstream downstream = new Downstream();
             ChildJvm child = ChildJvm.main(RelayChild.class).start()) {
            String token = Tokens.valid("first");
            String path = "/call?client=url-connection&via=" + via + "&url="
                    + URLEncoder.encode(downstream.allowedUrl("/next"), StandardCharsets.UTF_8);
            RawHttp.Response response = RawHttp.get(child.baseUrl(), path, RawHttp.bearer(token));
            assertEquals(200, response.status, response + "\n" + child.output());
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), child.output());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"new-thread", "virtual-thread"})
    void theFirstTokenAfterRequestsWithoutOneStillCrossesThreads(String via) throws Exception {
        assumeTrue(Handoffs.available(via), "needs Java 21+");
        try (Downstream downstream = new Downstream();
             ChildJvm child = ChildJvm.main(RelayChild.class).start()) {
            String path = "/call?client=url-connection&via=" + via + "&url="
                    + URLEncoder.encode(downstream.allowedUrl("/next"), StandardCharsets.UTF_8);
            RawHttp.Response rejected = RawHttp.get(child.baseUrl(), path, RawHttp.bearer("not.a.token"));
            assertEquals(401, rejected.status, rejected + "\n" + child.output());
            String token = Tokens.valid("after-a-rejection");
            RawHttp.Response response = RawHttp.get(child.baseUrl(), path, RawHttp.bearer(token));
            assertEquals(200, response.status, response + "\n" + child.output());
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), child.output());
            assertEquals(1, downstream.requestCount(), "the rejected request never reached the application");
        }
    }
}
