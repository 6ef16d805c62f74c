package example.jwtagent.it;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC section 7 (keys) with the Tomcat workers' remembered decisions: once the key that signed a
 * token leaves the JWKS, no worker accepts that token again, not even one that verified it on its
 * previous request. Tomcat in a JVM of its own, keys from a MockWebServer refreshed every second.
 */
class JwksKeyRemovalTest {

    /**
     * The key leaves the set for another key, or the set is left with no key at all: a document that
     * arrives whole is the identity provider's word either way. Before, a set with no usable key
     * was taken for a failed fetch, and the removed key went on verifying.
     */
    @ParameterizedTest
    @ValueSource(strings = {"another key", "no key"})
    void aTokenWhoseKeyWasRemovedIsRefusedByEveryWorker(String left) throws Exception {
        AtomicReference<String> document = new AtomicReference<>(AdversarialKeys.jwks());
        try (MockWebServer keys = new MockWebServer()) {
            keys.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                            .body(document.get()).build();
                }
            });
            keys.start(InetAddress.getByName("127.0.0.1"), 0);
            try (AgentChild child = AgentChild.start("jwks-removal", List.of(
                    "issuer=" + Tokens.ISSUER, "audience=" + Tokens.AUDIENCE, "outbound.allowed-hosts=localhost",
                    "jwks-url=http://127.0.0.1:" + keys.getPort() + "/jwks.json", "jwks.refresh-interval=1s",
                    "log.level=debug")).awaitReady()) {
                String token = Tokens.signedWith(AdversarialKeys.rs256(AdversarialKeys.RSA), "alice",
                        b -> b.withKeyId(AdversarialKeys.RSA_KID));
                // Every worker that serves these verifies the header and keeps the decision for its next request.
                for (int i = 0; i < 12; i++) {
                    RawHttp.Response accepted = RawHttp.get(child.baseUrl(), "/echo", RawHttp.bearer(token));
                    assertEquals(200, accepted.status, accepted + "\n" + child.output());
                }

                document.set(left.equals("no key") ? "{\"keys\":[]}"
                        : RawJws.json(Map.of("keys", List.of(AdversarialKeys.ecJwk(AdversarialKeys.EC, AdversarialKeys.EC_KID)))));
                long deadline = System.nanoTime() + 15_000_000_000L;
                while (RawHttp.get(child.baseUrl(), "/echo", RawHttp.bearer(token)).status != 401) {
                    assertTrue(System.nanoTime() < deadline, "the removed key still verifies after 15 s\n" + child.output());
                    Thread.sleep(200);
                }
                int calls = child.servletCalls();
                for (int i = 0; i < 12; i++) {
                    RawHttp.Response late = RawHttp.get(child.baseUrl(), "/echo", RawHttp.bearer(token));
                    assertEquals(401, late.status, "request " + i + " after the removal: " + late);
                }
                assertEquals(calls, child.servletCalls(), "the application is not called");
            }
        }
    }
}
