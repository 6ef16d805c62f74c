package example.jwtagent.it;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
    private MockWebServer holding;
    private Downstream downstream;
    private TestServer service;

    @BeforeAll
    void start() throws Exception {
        holding = new MockWebServer();
        holding.setDispatcher(new mockwebserver3.Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().code(200).body("held").bodyDelay(30, TimeUnit.SECONDS).build();
            }
        });
        holding.start(InetAddress.getByName("127.0.0.1"), 0);
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
        for (String caller : Arrays.asList("alice", "carol", null)) {
            String url = "http://localhost:" + holding.getPort() + "/hold?then="
                    + URLEncoder.encode(downstream.allowedUrl("/after-stop"), StandardCharsets.UTF_8);
            ClientContractTest.call(service, "jetty12-held-then-call-on-complete", url, caller == null ? null : Tokens.valid(caller), null);
            assertNotNull(holding.takeRequest(10, TimeUnit.SECONDS), "the exchange reached the holding downstream");
        }
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
