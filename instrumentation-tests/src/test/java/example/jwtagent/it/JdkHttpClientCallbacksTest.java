package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The JDK {@code HttpClient}'s callbacks, called from requests to Tomcat 11 in this JVM.
 *
 * <p>One client shared by every caller: alice, carol and a caller without a token each have an
 * exchange open (its headers arrived, its body held back by the downstream), whose body subscriber
 * calls an allowed downstream from {@code onError}. Then bob's request makes the client end every
 * open exchange on bob's thread (Java 21+): by calling {@code shutdownNow()}, or by making the
 * application's executor refuse the client a task. No subscriber's call may carry bob's token;
 * they carry none. Before, each carried bob's.
 */
class JdkHttpClientCallbacksTest extends CallersOfASharedClientTest {
    @Override
    TestServer startService() throws Exception {
        return new TomcatJakartaServer(2);
    }

    @Test
    void exchangesAnotherCallerShutsDownCallWithoutThatCallersToken() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "HttpClient.shutdownNow() is Java 21+");
        JdkHeldExchanges.useADefaultClient();
        holdThreeExchanges();
        String bob = Tokens.valid("bob");
        ClientContractTest.call(service, "jdk-shutdown-now-of-the-held-then-call", downstream.allowedUrl("/bob-after-shutdown"), bob, null);
        assertEquals(expectedAfterBobsRequest("/bob-after-shutdown", bob), arrived(4));
    }

    @Test
    void exchangesEndedByAnExecutorRefusingAnotherCallersTaskCallWithoutThatCallersToken() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "the JDK 17 client fails only the exchange whose task was refused");
        JdkHeldExchanges.useAClientWhoseExecutorRefusesWhenTold();
        try {
            holdThreeExchanges();
            String bob = Tokens.valid("bob");
            ClientContractTest.call(service, "jdk-async-telling-the-executor-to-refuse", downstream.allowedUrl("/bob"), bob, null);
            assertEquals(expectedAfterBobsRequest("/bob", bob), arrived(4));
        } finally {
            JdkHeldExchanges.useADefaultClient();
        }
    }

    /**
     * The body handler and the stages of the future {@code sendAsync} returns run with the caller's
     * token; the body subscriber's callbacks run where the client delivers the body, mostly its own
     * threads, which hold no token: they carry the caller's token or none, never another.
     */
    @Test
    void callsFromEachCallbackCarryTheCallersTokenOrNone() throws Exception {
        String alice = Tokens.valid("alice");
        String url = downstream.allowedUrl("/first?then=") + URLEncoder.encode(downstream.allowedUrl("/from"), StandardCharsets.UTF_8);
        ClientContractTest.call(service, "jdk-async-calling-from-each-callback", url, alice, null);
        Map<String, List<String>> arrived = new TreeMap<>();
        for (int i = 0; i < 5; i++) {
            RecordedRequest request = downstream.take();
            String at = request.getUrl().queryParameter("at");
            arrived.put(at == null ? request.getUrl().encodedPath() : at, request.getHeaders().values("Authorization"));
        }
        assertNull(downstream.poll(300), "one call from each callback: " + arrived.keySet());
        assertEquals(List.of("Bearer " + alice), arrived.get("/first"));
        assertEquals(List.of("Bearer " + alice), arrived.get("handler"));
        assertEquals(List.of("Bearer " + alice), arrived.get("stage"));
        for (String callback : List.of("on-subscribe", "on-complete")) {
            List<String> authorization = arrived.get(callback);
            assertNotNull(authorization, callback + " called: " + arrived.keySet());
            assertTrue(authorization.isEmpty() || authorization.equals(List.of("Bearer " + alice)),
                    callback + " carried the caller's token or none: " + authorization.size() + " values");
        }
    }

    /** alice, carol and a caller without a token each open an exchange on the shared client, held open by the downstream. */
    private void holdThreeExchanges() throws Exception {
        holding.holdThreeExchanges(service, "jdk-async-held-then-call-on-error", downstream.allowedUrl("/after-error"));
        assertNull(downstream.poll(200), "no subscriber has failed yet");
    }

    /** Bob's own call carries bob's token; each of the three ended exchanges' onError calls carries none. */
    private static List<String> expectedAfterBobsRequest(String bobsPath, String bob) {
        String none = " " + List.of();
        return sorted("/after-error" + none, "/after-error" + none, "/after-error" + none, bobsPath + " " + List.of("Bearer " + bob));
    }
}
