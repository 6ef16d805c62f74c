package example.jwtagent.it;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One JDK {@code HttpClient} shared by the callers of a Tomcat service: alice, carol and a caller
 * without a token each have an exchange open (its headers arrived, its body held back by the
 * downstream), whose body subscriber calls an allowed downstream from {@code onError}. Then bob's
 * request calls the client's {@code shutdownNow()} (Java 21+), which ends every exchange on bob's
 * thread: no subscriber's call may carry bob's token. They carry none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JdkHttpClientShutdownTest {
    private MockWebServer holding;
    private Downstream downstream;
    private TestServer service;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "HttpClient.shutdownNow() is Java 21+");
        holding = new MockWebServer();
        holding.setDispatcher(new mockwebserver3.Dispatcher() {
            @Override
            public MockResponse dispatch(mockwebserver3.RecordedRequest request) {
                return new MockResponse.Builder().code(200).body("held").bodyDelay(30, TimeUnit.SECONDS).build();
            }
        });
        holding.start(InetAddress.getByName("127.0.0.1"), 0);
        downstream = new Downstream();
        service = new TomcatJakartaServer(2);
    }

    @AfterAll
    void stop() throws Exception {
        if (service != null) {
            service.close();
            downstream.close();
            holding.close();
        }
    }

    @Test
    void exchangesAnotherCallerShutsDownCallWithoutThatCallersToken() throws Exception {
        for (String caller : Arrays.asList("alice", "carol", null)) {
            String url = "http://localhost:" + holding.getPort() + "/hold?then="
                    + URLEncoder.encode(downstream.allowedUrl("/after-error"), StandardCharsets.UTF_8);
            ClientContractTest.call(service, "jdk-async-held-then-call-on-error", url, caller == null ? null : Tokens.valid(caller), null);
            assertNotNull(holding.takeRequest(10, TimeUnit.SECONDS), "the exchange reached the holding downstream");
        }
        assertNull(downstream.poll(200), "no subscriber has failed yet");

        ClientContractTest.call(service, "jdk-shutdown-now-of-the-held", downstream.allowedUrl("/unused"), Tokens.valid("bob"), null);

        for (int i = 1; i <= 3; i++) {
            assertEquals(List.of(), downstream.takeAuthorization(), "the call from onError of exchange " + i + " of 3");
        }
        assertNull(downstream.poll(300), "three exchanges, three calls");
    }
}
