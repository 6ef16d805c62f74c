package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A Reactor Netty pool of one connection disposed while exchanges wait for it, from requests to
 * Tomcat 11 in this JVM.
 *
 * <p>One client shared by every caller: alice's exchange holds the pool's only connection (the
 * downstream holds the body back), carol's and a tokenless caller's wait for it. Each exchange's
 * error handler calls an allowed downstream. Then bob's request disposes the pool, which fails the
 * waiting exchanges right there, on bob's thread (alice's goes on). Neither error handler's call
 * may carry bob's token; they carry none. Before, both carried bob's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolClosedWithWaitingExchangesTest {
    private HoldingDownstream holding;
    private Downstream downstream;
    private TestServer service;

    @BeforeAll
    void start() throws Exception {
        holding = new HoldingDownstream();
        downstream = new Downstream();
        service = new TomcatJakartaServer(2);
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        downstream.close();
        holding.close();
    }

    /** {@code dispose()}, and {@code disposeLater().block()} as Spring's {@code ReactorResourceFactory} calls it. */
    @ParameterizedTest
    @ValueSource(strings = {"reactor-dispose-of-the-waiting-then-call", "reactor-blocking-dispose-of-the-waiting-then-call"})
    void reactorNettyPoolDisposedByAnotherCallerFailsTheWaitingExchangesWithoutThatCallersToken(String dispose) throws Exception {
        holdOneAndWaitTwo("reactor-waiting-then-call-on-error", ReactorWaitingExchanges::waiting);
        String bob = Tokens.valid("bob");
        ClientContractTest.call(service, dispose, downstream.allowedUrl("/bob"), bob, null);
        assertEquals(expectedAfterBobsRequest(bob), arrivedAfterBobsRequest());
    }

    /** alice's exchange reaches the holding downstream; carol's and a tokenless caller's then wait for the connection. */
    private void holdOneAndWaitTwo(String client, IntSupplier waiting) throws Exception {
        String url = holding.url("/hold?then=" + URLEncoder.encode(downstream.allowedUrl("/after-failure"), StandardCharsets.UTF_8));
        ClientContractTest.call(service, client, url, Tokens.valid("alice"), null);
        assertNotNull(holding.take(), "alice's exchange reached the holding downstream");
        ClientContractTest.call(service, client, url, Tokens.valid("carol"), null);
        ClientContractTest.call(service, client, url, null, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waiting.getAsInt() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(2, waiting.getAsInt(), "carol's and the tokenless exchange wait for the connection");
        assertNull(downstream.poll(200), "no exchange has failed yet");
    }

    /** bob's own call carries bob's token; each of the two failed exchanges' calls carries none. */
    private static List<String> expectedAfterBobsRequest(String bob) {
        List<String> expected = new ArrayList<>(List.of(
                "/after-failure " + List.of(), "/after-failure " + List.of(), "/bob " + List.of("Bearer " + bob)));
        expected.sort(null);
        return expected;
    }

    private List<String> arrivedAfterBobsRequest() throws Exception {
        List<String> arrived = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RecordedRequest request = downstream.poll(10_000);
            assertNotNull(request, "three calls arrived; so far " + arrived);
            arrived.add(request.getUrl().encodedPath() + " " + request.getHeaders().values("Authorization"));
        }
        assertNull(downstream.poll(300), "two exchanges failed, one call of bob's");
        arrived.sort(null);
        return arrived;
    }
}
