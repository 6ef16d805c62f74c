package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * OkHttp 4's own scheduler ({@code TaskRunner}) runs every client's WebSocket writers, and their
 * listeners' {@code onClosed}, on one loop that the first call to schedule a task hands to a thread
 * pool. In a fresh child JVM, alice's call is that first call; a WebSocket of a caller without a
 * token, closed by the server, then calls downstream from {@code onClosed}: with no token, never
 * alice's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
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
    void aWebSocketListenerRunsWithoutTheTokenOfTheCallThatStartedOkHttpsScheduler() throws Exception {
        String alice = Tokens.valid("alice");
        ClientContractTest.call(service, "okhttp", downstream.allowedUrl("/orders?caller=alice"), alice, null);
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
        ClientContractTest.call(service, "okhttp-websocket-closed-by-the-server-then-call", downstream.allowedUrl("/orders?caller=nobody"), null, null);
        RecordedRequest fromOnClosed = null;
        for (RecordedRequest request = downstream.poll(5000); request != null; request = downstream.poll(300)) {
            if ("1".equals(request.getUrl().queryParameter("nested"))) {
                fromOnClosed = request;
            }
        }
        assertNotNull(fromOnClosed, "the call from onClosed reached the downstream service");
        assertEquals(List.of(), fromOnClosed.getHeaders().values("Authorization"), "the call from the WebSocket listener of a caller without a token");
    }
}
