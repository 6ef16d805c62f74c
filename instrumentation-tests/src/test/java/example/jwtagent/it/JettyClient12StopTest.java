package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * One Jetty 12 {@code HttpClient} shared by the callers of a Tomcat service in a child JVM: alice,
 * carol and a caller without a token each have an exchange open (its headers arrived, its body
 * held back), whose complete listener calls an allowed downstream. Then bob's request stops the
 * client, which ends every exchange on bob's thread: no listener's call may carry bob's token. They
 * carry none; before, each carried bob's. Bob's own next call carries his.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JettyClient12StopTest {
    private HoldingDownstream holding;
    private Downstream downstream;
    private TestServer service;

    @BeforeAll
    void start() throws Exception {
        holding = new HoldingDownstream();
        downstream = new Downstream();
        service = ClientContractTest.childService(ChildJvm.main(RelayChild.class).classPath(JettyClient12ContractTest.classPath()).start());
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        downstream.close();
        holding.close();
    }

    @Test
    void exchangesAnotherCallerStopsCallWithoutThatCallersToken() throws Exception {
        holding.holdThreeExchanges(service, "jetty12-held-then-call-on-complete", downstream.allowedUrl("/after-stop"));
        assertNull(downstream.poll(200), "no exchange has ended yet");
        String bob = Tokens.valid("bob");
        ClientContractTest.call(service, "jetty12-stop-of-the-held-then-call", downstream.allowedUrl("/bob-after-stop"), bob, null);
        List<String> arrived = new ArrayList<>();
        for (RecordedRequest request = downstream.poll(5000); request != null; request = downstream.poll(1000)) {
            String auth = request.getHeaders().get("Authorization");
            arrived.add(request.getUrl().encodedPath() + " " + (auth == null ? "none" : auth.equals("Bearer " + bob) ? "bob" : "other"));
        }
        arrived.sort(null);
        assertEquals(List.of("/after-stop none", "/after-stop none", "/after-stop none", "/bob-after-stop bob"), arrived);
    }
}
