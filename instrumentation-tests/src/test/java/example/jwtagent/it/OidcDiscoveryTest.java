package example.jwtagent.it;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent given only an issuer finds its keys by OIDC discovery, here at a real authorization
 * server (NAV's mock-oauth2-server, which signs with keys of its own): a token that server issued
 * is verified and carried on to the next service, one from another issuer of the same server,
 * signed with the same key, is refused for its issuer, and the authorization server itself never
 * sees a token.
 */
class OidcDiscoveryTest {
    private MockOAuth2Server authorizationServer;

    /** One signing key for every issuer of the server (by default each issuer gets a key of its own). */
    static final class OneKey extends KeyProvider {
        private final JWK key;

        OneKey() throws JOSEException {
            super(Collections.emptyList(), "RS256");
            key = new RSAKeyGenerator(2048).keyID("shared").generate();
        }

        @Override
        public JWK signingKey(String issuerId) {
            return key;
        }
    }

    @BeforeEach
    void startAuthorizationServer() throws JOSEException {
        authorizationServer = new MockOAuth2Server(new OAuth2Config(false, null, null, false,
                new OAuth2TokenProvider(new OneKey()), Collections.emptySet(), new MockWebServerWrapper()));
        authorizationServer.start();
    }

    @AfterEach
    void stopAuthorizationServer() {
        authorizationServer.shutdown();
    }

    @Test
    void aTokenOfTheIssuerIsVerifiedWithDiscoveredKeysAndPropagatedAndAnotherIssuersIsRefused() throws Exception {
        String issuer = authorizationServer.issuerUrl("shop").toString();
        try (Downstream downstream = new Downstream();
             AgentChild child = AgentChild.start("oidc-discovery", List.of(
                     "issuer=" + issuer, "audience=orders", "outbound.allowed-hosts=localhost")).awaitReady()) {
            String path = RelayApp.CALL_PATH + "?client=url-connection&url="
                    + URLEncoder.encode(downstream.allowedUrl("/next"), StandardCharsets.UTF_8);

            String token = authorizationServer.issueToken("shop", "alice", "orders", Map.of()).serialize();
            RawHttp.Response accepted = RawHttp.get(child.baseUrl(), path, RawHttp.bearer(token));
            assertEquals(200, accepted.status, accepted + "\n" + child.output());
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), child.output());

            // Signed with the same key, under the same key id, but for an issuer the agent was not given.
            String otherIssuers = authorizationServer.issueToken("admin", "alice", "orders", Map.of()).serialize();
            RawHttp.Response refused = RawHttp.get(child.baseUrl(), path, RawHttp.bearer(otherIssuers));
            assertEquals(401, refused.status, refused + "\n" + child.output());
            assertEquals("Bearer error=\"invalid_token\", error_description=\"wrong issuer\"", refused.header("WWW-Authenticate"),
                    refused.toString());
            assertEquals(1, downstream.requestCount(), "the refused request reached no service");

            List<String> fetched = new ArrayList<>();
            for (RecordedRequest request : requestsReceived()) {
                fetched.add(request.getPath());
                assertNull(request.getHeader("Authorization"), "the authorization server was sent a token: " + request.getPath());
            }
            assertTrue(fetched.contains("/shop/.well-known/openid-configuration"), "discovery document fetched: " + fetched);
            assertTrue(fetched.contains("/shop/jwks"), "keys fetched from the discovered jwks_uri: " + fetched);
        }
    }

    /** Every request the authorization server has received so far (the issuing of tokens makes none). */
    private List<RecordedRequest> requestsReceived() {
        List<RecordedRequest> requests = new ArrayList<>();
        while (true) {
            try {
                requests.add(authorizationServer.takeRequest(200, TimeUnit.MILLISECONDS));
            } catch (RuntimeException none) {
                // mock-oauth2-server's answer to an empty queue at the end of the wait.
                return requests;
            }
        }
    }
}
