package example.jwtagent.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * With keys from a JWKS URL the agent fetches them itself, with {@code HttpURLConnection}: those
 * JDK classes can then be loaded before the agent's transformer, and be rewritten (and their
 * package exported to the agent) only when the first token arrives. The application's own calls
 * through the JDK's HTTP clients must carry the token all the same. Each case is a fresh JVM, so its
 * request is that JVM's first with a token.
 */
class JwksOutboundTest {

    @ParameterizedTest
    @ValueSource(strings = {"url-connection", "jdk-send"})
    void theFirstTokenVerifiedWithFetchedKeysIsPropagatedThroughTheJdkClients(String client) throws Exception {
        try (Downstream downstream = new Downstream();
             AgentChild child = AgentChild.start("jwks-outbound-" + client, List.of(
                     "issuer=" + Tokens.ISSUER, "audience=" + Tokens.AUDIENCE, "outbound.allowed-hosts=localhost",
                     "jwks-url=" + ChildAgents.jwksUrl())).awaitReady()) {
            String token = Tokens.signedWith(AdversarialKeys.rs256(AdversarialKeys.RSA), "alice",
                    b -> b.withKeyId(AdversarialKeys.RSA_KID));
            String path = RelayApp.CALL_PATH + "?client=" + client + "&url="
                    + URLEncoder.encode(downstream.allowedUrl("/next"), StandardCharsets.UTF_8);
            RawHttp.Response response = RawHttp.get(child.baseUrl(), path, RawHttp.bearer(token));
            assertEquals(200, response.status, response + "\n" + child.output());
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), child.output());
        }
    }
}
