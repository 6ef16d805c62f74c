package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * OkHttp 4's own scheduler ({@code TaskRunner}) runs every client's WebSocket writers, and their
 * listeners' {@code onClosed}, on one loop that the first call to schedule a task hands to a thread
 * pool. In a fresh child JVM, alice's call is that first call; a WebSocket of a caller without a
 * token, closed by the server, then calls downstream from {@code onClosed}: with no token, never
 * alice's. The handshake itself carries the token of the caller that opens the WebSocket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class OkHttp4WebSocketTest {
    private TestServer service;
    private Downstream downstream;

    @BeforeAll
    void start() throws Exception {
        service = ClientContractTest.childService(ChildJvm.main(RelayChild.class).classPath(ChildJvm.libsAndTestClasses("okhttp4")).start());
        downstream = Downstream.withWebSocketsItCloses();
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        downstream.close();
    }

    @Test
    @org.junit.jupiter.api.Order(1) // first in its JVM: alice's call is the one that starts the scheduler
    void aWebSocketListenerRunsWithoutTheTokenOfTheCallThatStartedOkHttpsScheduler() throws Exception {
        String alice = Tokens.valid("alice");
        ClientContractTest.call(service, "okhttp", downstream.allowedUrl("/orders?caller=alice"), alice, null);
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
        ClientContractTest.call(service, "okhttp-websocket-closed-by-the-server-then-call", downstream.allowedUrl("/orders?caller=nobody"), null, null);
        List<RecordedRequest> arrived = arrived();
        RecordedRequest fromOnClosed = only(arrived, "nested");
        assertEquals(List.of(), fromOnClosed.getHeaders().values("Authorization"), "the call from the WebSocket listener of a caller without a token");
        assertEquals(List.of(), only(arrived, "ws").getHeaders().values("Authorization"), "the handshake of a caller without a token");
    }

    /** A WebSocket's handshake is a call like any other: it carries the token of the caller that opens it to an allowed host. */
    @Test
    @org.junit.jupiter.api.Order(2)
    void aWebSocketHandshakeCarriesTheTokenOfTheCallerThatOpensIt() throws Exception {
        String bob = Tokens.valid("bob");
        ClientContractTest.call(service, "okhttp-websocket-closed-by-the-server-then-call", downstream.allowedUrl("/orders?caller=bob"), bob, null);
        assertEquals(List.of("Bearer " + bob), only(arrived(), "ws").getHeaders().values("Authorization"));
    }

    /** Every request that reached the downstream service until it has been quiet for 300 ms. */
    private List<RecordedRequest> arrived() throws InterruptedException {
        List<RecordedRequest> arrived = new java.util.ArrayList<>();
        for (RecordedRequest request = downstream.poll(5000); request != null; request = downstream.poll(300)) {
            arrived.add(request);
        }
        return arrived;
    }

    /** The one request of {@code arrived} that is the WebSocket handshake ({@code ws}) or the call from {@code onClosed} ({@code nested}). */
    private static RecordedRequest only(List<RecordedRequest> arrived, String which) {
        List<RecordedRequest> found = new java.util.ArrayList<>();
        for (RecordedRequest request : arrived) {
            boolean handshake = request.getUrl().encodedPath().equals("/ws");
            boolean nested = "1".equals(request.getUrl().queryParameter("nested"));
            if (which.equals("ws") ? handshake : nested) {
                found.add(request);
            }
        }
        assertEquals(1, found.size(), which + " among " + arrived);
        return found.get(0);
    }
}
