package dev.jwtagent.verify;

import static dev.jwtagent.verify.Rejections.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/** OIDC discovery against a real (mock) authorization server: NAV's mock-oauth2-server. */
class MockOAuth2ServerTest {
    private final List<MockOAuth2Server> servers = new ArrayList<>();
    private final List<KeyedVerifier> verifiers = new ArrayList<>();

    /** Per-issuer signing keys that the test can rotate. */
    static final class RotatingKeys extends KeyProvider {
        private final String algorithm;
        private final Map<String, JWK> current = new ConcurrentHashMap<>();

        RotatingKeys(String algorithm) {
            super(Collections.emptyList(), algorithm);
            this.algorithm = algorithm;
        }

        @Override
        public JWK signingKey(String issuerId) {
            return current.computeIfAbsent(issuerId, id -> generate());
        }

        void rotate(String issuerId) {
            current.put(issuerId, generate());
        }

        private JWK generate() {
            try {
                String kid = UUID.randomUUID().toString();
                return algorithm.startsWith("ES") ? new ECKeyGenerator(Curve.P_256).keyID(kid).generate()
                        : new RSAKeyGenerator(2048).keyID(kid).generate();
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private MockOAuth2Server start(RotatingKeys keys) {
        OAuth2Config config = new OAuth2Config(false, null, null, false, new OAuth2TokenProvider(keys),
                Collections.emptySet(), new MockWebServerWrapper());
        MockOAuth2Server server = new MockOAuth2Server(config);
        server.start();
        servers.add(server);
        return server;
    }

    private KeyedVerifier verifier(MockOAuth2Server server, String... issuerIds) {
        List<String> issuers = new ArrayList<>();
        for (String id : issuerIds) {
            issuers.add(server.issuerUrl(id).toString());
        }
        KeyedVerifier verifier = TokenVerifiers.create(VerifierSettings.builder().issuers(issuers)
                .audiences(List.of("orders")).jwksMinRefetchInterval(Duration.ofMillis(200))
                .jwksTimeout(Duration.ofSeconds(2)).build());
        verifiers.add(verifier);
        return verifier;
    }

    @AfterEach
    void stop() {
        verifiers.forEach(KeyedVerifier::close);
        servers.forEach(MockOAuth2Server::shutdown);
    }

    private static String issue(MockOAuth2Server server, String issuerId) {
        return server.issueToken(issuerId, "alice", "orders", Collections.emptyMap()).serialize();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static boolean accepts(TokenVerifier verifier, String token) {
        try {
            verifier.verify(token);
            return true;
        } catch (TokenRejectedException e) {
            return false;
        }
    }

    @Test
    void discoveryFindsTheKeysAndRs256TokensAreVerified() throws Exception {
        MockOAuth2Server server = start(new RotatingKeys("RS256"));
        KeyedVerifier verifier = verifier(server, "shop");
        String token = issue(server, "shop");
        await("discovery and keys", () -> accepts(verifier, token));
        VerifiedToken verified = verifier.verify(token);
        assertEquals("alice", verified.subject());
        assertEquals(server.issuerUrl("shop").toString(), verified.issuer());
        assertEquals("oidc", verified.keySourceDescription());
        assertEquals("oidc discovery (1 issuer)", verifier.keySourceDescription());
    }

    @Test
    void es256TokensAreVerified() throws Exception {
        MockOAuth2Server server = start(new RotatingKeys("ES256"));
        KeyedVerifier verifier = verifier(server, "shop");
        String token = issue(server, "shop");
        assertEquals("ES256", JWT.decode(token).getAlgorithm());
        await("discovery and keys", () -> accepts(verifier, token));
    }

    @Test
    void rotationToANewKeyIsAcceptedWithoutRestart() throws Exception {
        RotatingKeys keys = new RotatingKeys("RS256");
        MockOAuth2Server server = start(keys);
        KeyedVerifier verifier = verifier(server, "shop");
        String before = issue(server, "shop");
        await("discovery and keys", () -> accepts(verifier, before));
        keys.rotate("shop");
        String after = issue(server, "shop");
        await("the rotated key", () -> accepts(verifier, after));
    }

    @Test
    void twoIssuersSideBySideNeitherAcceptedWithTheOthersKey() throws Exception {
        RotatingKeys keys = new RotatingKeys("RS256");
        MockOAuth2Server server = start(keys);
        KeyedVerifier verifier = verifier(server, "shop", "admin");
        String shop = issue(server, "shop");
        String admin = issue(server, "admin");
        await("shop keys", () -> accepts(verifier, shop));
        await("admin keys", () -> accepts(verifier, admin));
        assertEquals("oidc discovery (2 issuers)", verifier.keySourceDescription());

        RSAKey shopKey = (RSAKey) keys.signingKey("shop");
        RSAKey adminKey = (RSAKey) keys.signingKey("admin");
        Algorithm signWithShop = Algorithm.RSA256((RSAPublicKey) shopKey.toRSAPublicKey(),
                (RSAPrivateKey) shopKey.toRSAPrivateKey());
        long exp = System.currentTimeMillis() / 1000 + 600;
        String adminIss = server.issuerUrl("admin").toString();
        String shopKidClaimingAdmin = JWT.create().withKeyId(shopKey.getKeyID()).withIssuer(adminIss)
                .withAudience("orders").withClaim("exp", exp).sign(signWithShop);
        assertRejected(RejectReason.UNKNOWN_KEY, verifier, shopKidClaimingAdmin);
        String adminKidSignedByShop = JWT.create().withKeyId(adminKey.getKeyID()).withIssuer(adminIss)
                .withAudience("orders").withClaim("exp", exp).sign(signWithShop);
        assertRejected(RejectReason.BAD_SIGNATURE, verifier, adminKidSignedByShop);
    }

    @Test
    void tokenFromAnIssuerThatIsNotConfiguredIsRejectedAsWrongIssuer() throws Exception {
        MockOAuth2Server server = start(new RotatingKeys("RS256"));
        KeyedVerifier verifier = verifier(server, "shop");
        await("discovery and keys", () -> accepts(verifier, issue(server, "shop")));
        assertRejected(RejectReason.WRONG_ISSUER, verifier, issue(server, "elsewhere"));
    }

    @Test
    void issuerThatIsNotHttpsOrLoopbackIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenVerifiers.create(
                VerifierSettings.builder().issuers(List.of("http://idp.example/realms/shop")).build()));
        assertEquals("issuer:", e.getMessage().substring(0, 7));
    }
}
