package dev.jwtagent.verify;

import static dev.jwtagent.verify.Rejections.assertRejected;
import static dev.jwtagent.verify.TestSupport.claims;
import static dev.jwtagent.verify.TestSupport.jwk;
import static dev.jwtagent.verify.TestSupport.jwks;
import static dev.jwtagent.verify.TestSupport.sign;
import static dev.jwtagent.verify.TestSupport.signer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.util.List;

class JwkBindingTest {
    private final KeyPair a = TestSupport.rsa("a");
    private final KeyPair b = TestSupport.rsa("b");
    private final KeyPair ec = TestSupport.ec("secp256r1", "a");

    private static JwtVerifier verifier(String jwksJson) throws Exception {
        KeySet keys = new KeySet(KeyMaterial.parseJwks(jwksJson, JwsAlgorithms.ASYMMETRIC, false));
        return new JwtVerifier(VerifierSettings.builder().clock(new TestSupport.MutableClock()).build(),
                new StaticKeySource("jwks", "test jwks", keys), null);
    }

    private static String token(String alg, KeyPair keys, String kid) {
        String header = "{\"alg\":\"" + alg + "\"" + (kid == null ? "" : ",\"kid\":\"" + kid + "\"") + "}";
        return sign(signer(alg, keys), header, claims(""));
    }

    @Test
    void kidSelectsTheKeyByPlainLookup() throws Exception {
        JwtVerifier verifier = verifier(jwks(jwk(a.getPublic(), "a", ""), jwk(b.getPublic(), "b", "")));
        verifier.verify(token("RS256", b, "b"));
        verifier.verify(token("RS256", a, "a"));
        assertRejected(RejectReason.BAD_SIGNATURE, verifier, token("RS256", b, "a"));
    }

    @Test
    void tokenWithoutKidTriesEachCompatibleKey() throws Exception {
        JwtVerifier verifier = verifier(jwks(jwk(a.getPublic(), "a", ""), jwk(ec.getPublic(), "e", ""),
                jwk(b.getPublic(), "b", "")));
        verifier.verify(token("RS256", b, null));
        verifier.verify(token("ES256", ec, null));
        assertRejected(RejectReason.BAD_SIGNATURE, verifier, token("RS256", TestSupport.rsa("c"), null));
    }

    @Test
    void unknownKidIsRejectedAsUnknownKey() throws Exception {
        assertRejected(RejectReason.UNKNOWN_KEY, verifier(jwks(jwk(a.getPublic(), "a", ""))), token("RS256", a, "zzz"));
    }

    @Test
    void knownKidWithAnAlgorithmTheKeyDoesNotAllowIsRejected() throws Exception {
        JwtVerifier verifier = verifier(jwks(jwk(ec.getPublic(), "e", "")));
        assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, verifier, token("RS256", a, "e"));
    }

    @Test
    void keyWhoseUseIsNotSigIsNotUsed() throws Exception {
        JwtVerifier verifier = verifier(jwks(jwk(a.getPublic(), "a", "\"use\":\"enc\""), jwk(b.getPublic(), "b", "\"use\":\"sig\"")));
        assertRejected(RejectReason.UNKNOWN_KEY, verifier, token("RS256", a, "a"));
        verifier.verify(token("RS256", b, "b"));
    }

    @Test
    void keyWhoseKeyOpsLackVerifyIsNotUsed() throws Exception {
        JwtVerifier verifier = verifier(jwks(jwk(a.getPublic(), "a", "\"key_ops\":[\"encrypt\"]"),
                jwk(b.getPublic(), "b", "\"key_ops\":[\"verify\"]")));
        assertRejected(RejectReason.UNKNOWN_KEY, verifier, token("RS256", a, "a"));
        verifier.verify(token("RS256", b, "b"));
    }

    @Test
    void keyWhoseAlgDisagreesWithTheTokenIsNotUsed() throws Exception {
        JwtVerifier verifier = verifier(jwks(jwk(a.getPublic(), "a", "\"alg\":\"PS256\"")));
        verifier.verify(token("PS256", a, "a"));
        assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, verifier, token("RS256", a, "a"));
        // A fixed key set allows only the algorithms its keys are bound to.
        assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, verifier, token("RS256", a, null));
    }

    @Test
    void weakRsaKeyIsNotUsed() throws Exception {
        KeyPair weak = TestSupport.rsa1024();
        JwtVerifier verifier = verifier(jwks(jwk(weak.getPublic(), "w", ""), jwk(a.getPublic(), "a", "")));
        assertRejected(RejectReason.UNKNOWN_KEY, verifier, token("RS256", weak, "w"));
    }

    @Test
    void symmetricKeyFromAKeySetIsNotUsed() throws Exception {
        String oct = "{\"kty\":\"oct\",\"kid\":\"s\",\"k\":\"" + TestSupport.b64(TestSupport.SECRET) + "\"}";
        assertTrue(KeyMaterial.parseJwks(jwks(oct), JwsAlgorithms.ALL, false).isEmpty());
        String hs = sign(TestSupport.hmac("HS256", TestSupport.SECRET), "{\"alg\":\"HS256\",\"kid\":\"s\"}", claims(""));
        assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, verifier(jwks(oct, jwk(a.getPublic(), "a", ""))), hs);
    }

    @Test
    void shortSymmetricKeyIsNotUsedEvenWhereSymmetricKeysAreAllowed() {
        java.util.Map<String, Object> oct = new java.util.HashMap<>();
        oct.put("kty", "oct");
        oct.put("k", TestSupport.b64(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> KeyMaterial.parseJwk(oct, JwsAlgorithms.ALL, true));
    }

    @Test
    void ecKeyWhosePointIsNotOnTheCurveIsNotUsed() throws Exception {
        String good = jwk(ec.getPublic(), "e", "");
        java.util.Map<String, Object> parsed = new java.util.LinkedHashMap<>(Jose.parseObject(good));
        byte[] y = Jose.base64Url((String) parsed.get("y"));
        y[y.length - 1] ^= 1;
        parsed.put("y", TestSupport.b64(y));
        assertThrows(IllegalArgumentException.class, () -> KeyMaterial.parseJwk(parsed, JwsAlgorithms.ALL, false));
    }

    @Test
    void oneBadEntryDoesNotSpoilTheKeySet() throws Exception {
        JwtVerifier verifier = verifier(jwks("{\"kty\":\"RSA\",\"kid\":\"x\",\"n\":\"%%%\",\"e\":\"AQAB\"}",
                "{\"kty\":\"OKP\",\"kid\":\"o\"}", "42", jwk(a.getPublic(), "a", "")));
        verifier.verify(token("RS256", a, "a"));
    }

    @Test
    void documentThatIsNotAKeySetIsRefused() {
        assertThrows(java.io.IOException.class, () -> KeyMaterial.parseJwks("[]", JwsAlgorithms.ALL, false));
        assertThrows(java.io.IOException.class, () -> KeyMaterial.parseJwks("{\"keys\":{}}", JwsAlgorithms.ALL, false));
        assertThrows(java.io.IOException.class,
                () -> KeyMaterial.parseJwks("{\"keys\":[],\"keys\":[]}", JwsAlgorithms.ALL, false));
        assertEquals(List.of(), List.of());
    }
}
