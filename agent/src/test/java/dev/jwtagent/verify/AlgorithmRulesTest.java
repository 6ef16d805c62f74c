package dev.jwtagent.verify;

import static dev.jwtagent.verify.Rejections.assertRejected;
import static dev.jwtagent.verify.TestSupport.SECRET;
import static dev.jwtagent.verify.TestSupport.b64;
import static dev.jwtagent.verify.TestSupport.claims;
import static dev.jwtagent.verify.TestSupport.header;
import static dev.jwtagent.verify.TestSupport.hmac;
import static dev.jwtagent.verify.TestSupport.pem;
import static dev.jwtagent.verify.TestSupport.sign;
import static dev.jwtagent.verify.TestSupport.signer;
import static dev.jwtagent.verify.TestSupport.writePem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;

class AlgorithmRulesTest {
    @TempDir
    Path dir;

    private final TestSupport.MutableClock clock = new TestSupport.MutableClock();

    private KeyedVerifier secretVerifier(List<String> algorithms) {
        return TokenVerifiers.create(TestSupport.secretSettings(clock).algorithms(algorithms).build());
    }

    private KeyedVerifier pemVerifier(List<String> algorithms, PublicKey... keys) throws Exception {
        Path file = writePem(dir, "keys.pem", pem(keys));
        return TokenVerifiers.create(VerifierSettings.builder().publicKeyFile(file).algorithms(algorithms)
                .clock(clock).build());
    }

    private static String token(com.auth0.jwt.algorithms.Algorithm algorithm, String alg) {
        return sign(algorithm, header(alg), claims(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"HS256", "HS384", "HS512"})
    void hmacTokensFromTheSecretAreAccepted(String alg) throws Exception {
        assertEquals("alice", secretVerifier(List.of()).verify(token(hmac(alg, SECRET), alg)).subject());
    }

    @Test
    void eachHsAlgorithmNeedsASecretAtLeastAsLongAsItsHash() throws Exception {
        Map<Integer, List<String>> acceptedBySecretLength = Map.of(
                32, List.of("HS256"), 47, List.of("HS256"), 48, List.of("HS256", "HS384"), 63, List.of("HS256", "HS384"),
                64, List.of("HS256", "HS384", "HS512"));
        for (Map.Entry<Integer, List<String>> e : acceptedBySecretLength.entrySet()) {
            byte[] secret = java.util.Arrays.copyOf(SECRET, e.getKey());
            KeyedVerifier verifier = TokenVerifiers.create(TestSupport.secretSettings(clock).secret(secret).build());
            for (String alg : List.of("HS256", "HS384", "HS512")) {
                String token = token(hmac(alg, secret), alg);
                if (e.getValue().contains(alg)) {
                    assertEquals("alice", verifier.verify(token).subject(), alg + " with " + e.getKey() + " bytes");
                } else {
                    assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, verifier, token);
                }
            }
        }
    }

    @Test
    void algorithmsThatTheSecretIsTooShortForAreRefusedAtStartup() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenVerifiers.create(
                VerifierSettings.builder().secret(java.util.Arrays.copyOf(SECRET, 48)).algorithms(List.of("HS512")).build()));
        assertEquals("algorithms: HS512 needs a secret of at least 64 bytes (RFC 7518); the secret has 48", e.getMessage());
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class, () -> TokenVerifiers.create(
                VerifierSettings.builder().secret(java.util.Arrays.copyOf(SECRET, 40)).algorithms(List.of("HS256", "HS384")).build()));
        assertEquals("algorithms: HS384 needs a secret of at least 48 bytes (RFC 7518); the secret has 40", mixed.getMessage());
    }

    @Test
    void anIssuerThatCannotBeDiscoveredIsRefusedWithoutQuotingIt() {
        for (String issuer : new String[] {"https://user:S3cretPw@idp example/realm", "ftp://user:S3cretPw@idp.example/realm?key=K3Y"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenVerifiers.create(
                    VerifierSettings.builder().issuers(List.of(issuer)).build()));
            assertTrue(e.getMessage().startsWith("issuer: "), e.getMessage());
            assertFalse(e.getMessage().contains("S3cret") || e.getMessage().contains("K3Y"), e.getMessage());
        }
    }

    @Test
    void secretShorterThan32BytesIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenVerifiers.create(
                VerifierSettings.builder().secret(new byte[31]).build()));
        assertEquals("secret: must be at least 32 bytes", e.getMessage());
    }

    @Test
    void noKeySourceIsRefusedNamingTheSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenVerifiers.create(VerifierSettings.builder().build()));
        assertTrue(e.getMessage().startsWith("no key source"), e.getMessage());
    }

    @Test
    void badHmacSignatureIsRejected() {
        byte[] other = "another-secret-another-secret-another-secret".getBytes(StandardCharsets.US_ASCII);
        assertRejected(RejectReason.BAD_SIGNATURE, secretVerifier(List.of()), token(hmac("HS256", other), "HS256"));
    }

    @Test
    void tamperedPayloadIsRejected() {
        String token = token(hmac("HS256", SECRET), "HS256");
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + b64(claims("\"admin\":true")) + "." + parts[2];
        assertRejected(RejectReason.BAD_SIGNATURE, secretVerifier(List.of()), forged);
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void algNoneInAnyCasingIsRejected(String none) {
        String unsigned = b64("{\"alg\":\"" + none + "\"}") + "." + b64(claims("")) + ".";
        assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, secretVerifier(List.of()), unsigned);
        String withHmac = TestSupport.sign(hmac("HS256", SECRET), "{\"alg\":\"" + none + "\"}", claims(""));
        assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, secretVerifier(List.of()), withHmac);
    }

    @Test
    void noneInTheAlgorithmsSettingIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> secretVerifier(List.of("HS256", "None")));
        assertTrue(e.getMessage().startsWith("algorithms:"), e.getMessage());
    }

    @Test
    void unknownAlgorithmInTheSettingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> secretVerifier(List.of("HS1")));
    }

    @Test
    void algorithmsSettingRestrictsWhatTheSecretVerifies() throws Exception {
        KeyedVerifier verifier = secretVerifier(List.of("HS256"));
        verifier.verify(token(hmac("HS256", SECRET), "HS256"));
        assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, verifier, token(hmac("HS512", SECRET), "HS512"));
    }

    @Test
    void algorithmsSettingWithNothingForTheKeysIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> secretVerifier(List.of("RS256")));
        assertTrue(e.getMessage().startsWith("algorithms:"), e.getMessage());
    }

    @Test
    void asymmetricTokenIsNotCheckedAgainstTheSecret() {
        KeyPair rsa = TestSupport.rsa("a");
        assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, secretVerifier(List.of()), token(signer("RS256", rsa), "RS256"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
    void rsaTokensFromPemAreAccepted(String alg) throws Exception {
        KeyPair rsa = TestSupport.rsa("a");
        VerifiedToken verified = pemVerifier(List.of(), rsa.getPublic()).verify(token(signer(alg, rsa), alg));
        assertEquals("pem", verified.keySourceDescription());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ES256:secp256r1", "ES384:secp384r1", "ES512:secp521r1"})
    void ecTokensFromPemAreAccepted(String spec) throws Exception {
        String alg = spec.split(":")[0];
        KeyPair ec = TestSupport.ec(spec.split(":")[1], "a");
        pemVerifier(List.of(), ec.getPublic()).verify(token(signer(alg, ec), alg));
    }

    @Test
    void ecKeyVerifiesOnlyTheAlgorithmOfItsCurve() throws Exception {
        KeyPair p256 = TestSupport.ec("secp256r1", "a");
        KeyedVerifier verifier = pemVerifier(List.of(), p256.getPublic());
        String es384 = sign(signer("ES256", p256), header("ES384"), claims(""));
        assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, verifier, es384);
        String es512 = sign(signer("ES512", TestSupport.ec("secp521r1", "a")), header("ES512"), claims(""));
        assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, verifier, es512);
    }

    @Test
    void rsaKeyDoesNotVerifyEcdsaAndEcKeyDoesNotVerifyRsa() throws Exception {
        KeyPair rsa = TestSupport.rsa("a");
        KeyPair ec = TestSupport.ec("secp256r1", "a");
        assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, pemVerifier(List.of(), rsa.getPublic()),
                token(signer("ES256", ec), "ES256"));
        assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, pemVerifier(List.of(), ec.getPublic()),
                token(signer("RS256", rsa), "RS256"));
    }

    @Test
    void hmacTokenIsNeverCheckedAgainstPublicKeyMaterial() throws Exception {
        KeyPair rsa = TestSupport.rsa("a");
        String pemText = pem(rsa.getPublic());
        KeyedVerifier verifier = pemVerifier(List.of(), rsa.getPublic());
        for (byte[] secret : new byte[][] {pemText.getBytes(StandardCharsets.US_ASCII), rsa.getPublic().getEncoded()}) {
            assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, verifier, token(hmac("HS256", secret), "HS256"));
        }
    }

    @Test
    void rsaKeyShorterThan2048BitsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pemVerifier(List.of(), TestSupport.rsa1024().getPublic()));
        assertTrue(e.getMessage().startsWith("public-key-file:"), e.getMessage());
    }

    @Test
    void wrongRsaKeyGivesBadSignature() throws Exception {
        assertRejected(RejectReason.BAD_SIGNATURE, pemVerifier(List.of(), TestSupport.rsa("a").getPublic()),
                token(signer("RS256", TestSupport.rsa("b")), "RS256"));
    }

    @Test
    void pssSignatureIsNotAcceptedAsPkcs1AndViceVersa() throws Exception {
        KeyPair rsa = TestSupport.rsa("a");
        KeyedVerifier verifier = pemVerifier(List.of(), rsa.getPublic());
        assertRejected(RejectReason.BAD_SIGNATURE, verifier, sign(signer("PS256", rsa), header("RS256"), claims("")));
        assertRejected(RejectReason.BAD_SIGNATURE, verifier, sign(signer("RS256", rsa), header("PS256"), claims("")));
        assertRejected(RejectReason.BAD_SIGNATURE, verifier, sign(signer("PS384", rsa), header("PS256"), claims("")));
    }

    @Test
    void pemFileWithSeveralKeysVerifiesWithEachWhenTheTokenHasNoKid() throws Exception {
        KeyPair a = TestSupport.rsa("a");
        KeyPair b = TestSupport.rsa("b");
        KeyPair ec = TestSupport.ec("secp384r1", "a");
        KeyedVerifier verifier = pemVerifier(List.of(), a.getPublic(), b.getPublic(), ec.getPublic());
        verifier.verify(token(signer("RS256", a), "RS256"));
        verifier.verify(token(signer("PS512", b), "PS512"));
        verifier.verify(token(signer("ES384", ec), "ES384"));
        verifier.verify(sign(signer("RS256", b), "{\"alg\":\"RS256\",\"kid\":\"whatever\"}", claims("")));
        assertEquals("public-key-file keys.pem (3 keys)", verifier.keySourceDescription());
    }

    @Test
    void algorithmsSettingRestrictsPemKeys() throws Exception {
        KeyPair rsa = TestSupport.rsa("a");
        KeyedVerifier verifier = pemVerifier(List.of("RS256"), rsa.getPublic());
        verifier.verify(token(signer("RS256", rsa), "RS256"));
        assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, verifier, token(signer("PS256", rsa), "PS256"));
        assertThrows(IllegalArgumentException.class,
                () -> pemVerifier(List.of("RS256"), TestSupport.ec("secp256r1", "a").getPublic()));
    }

    @Test
    void certificatesInPemAreAccepted() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (java.io.InputStream in = getClass().getResourceAsStream("/verify/test-keys.p12")) {
            store.load(in, "changeit".toCharArray());
        }
        String certs = resource("/verify/rsa-cert.pem") + resource("/verify/ec-cert.pem");
        Path file = writePem(dir, "certs.pem", certs);
        KeyedVerifier verifier = TokenVerifiers.create(VerifierSettings.builder().publicKeyFile(file).clock(clock).build());
        PrivateKey rsaKey = (PrivateKey) store.getKey("rsa", "changeit".toCharArray());
        PrivateKey ecKey = (PrivateKey) store.getKey("ec", "changeit".toCharArray());
        RSAPublicKey rsaPublic = (RSAPublicKey) store.getCertificate("rsa").getPublicKey();
        ECPublicKey ecPublic = (ECPublicKey) store.getCertificate("ec").getPublicKey();
        verifier.verify(token(com.auth0.jwt.algorithms.Algorithm.RSA256(rsaPublic, (RSAPrivateKey) rsaKey), "RS256"));
        verifier.verify(token(com.auth0.jwt.algorithms.Algorithm.ECDSA384(ecPublic, (ECPrivateKey) ecKey), "ES384"));
    }

    @Test
    void pkcs1RsaPublicKeyBlockIsAccepted() throws Exception {
        KeyPair rsa = TestSupport.rsa("a");
        byte[] spki = rsa.getPublic().getEncoded();
        byte[] pkcs1 = java.util.Arrays.copyOfRange(spki, 24, spki.length);
        String text = "-----BEGIN RSA PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(pkcs1)
                + "\n-----END RSA PUBLIC KEY-----\n";
        KeyedVerifier verifier = TokenVerifiers.create(VerifierSettings.builder()
                .publicKeyFile(writePem(dir, "pkcs1.pem", text)).clock(clock).build());
        verifier.verify(token(signer("RS256", rsa), "RS256"));
    }

    @Test
    void pemWithPrivateKeyIsRefused() throws Exception {
        KeyPair rsa = TestSupport.rsa("a");
        String text = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(rsa.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        Path file = writePem(dir, "private.pem", text);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenVerifiers.create(
                VerifierSettings.builder().publicKeyFile(file).build()));
        assertTrue(e.getMessage().startsWith("public-key-file:"), e.getMessage());
        assertTrue(!e.getMessage().contains("MII"), "no key material in messages");
    }

    /** An encrypted private key has headers in its block, which made it no block to read: it was passed over silently. */
    @Test
    void pemWithAnEncryptedPrivateKeyBesideThePublicKeyIsRefused() throws Exception {
        KeyPair rsa = TestSupport.rsa("a");
        String publicKey = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(rsa.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        String body = Base64.getMimeEncoder().encodeToString(rsa.getPrivate().getEncoded());
        String[] encrypted = {
            "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,3F17F5316E2BAC89\n\n" + body
                    + "\n-----END RSA PRIVATE KEY-----\n",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + body + "\n-----END ENCRYPTED PRIVATE KEY-----\n"};
        String[] types = {"RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"};
        for (int i = 0; i < encrypted.length; i++) {
            Path file = writePem(dir, "both-" + i + ".pem", publicKey + encrypted[i]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenVerifiers.create(
                    VerifierSettings.builder().publicKeyFile(file).build()));
            assertTrue(e.getMessage().startsWith("public-key-file: contains a PEM block of type " + types[i] + ";"), e.getMessage());
            assertFalse(e.getMessage().contains("MII") || e.getMessage().contains("DEK-Info"), "no key material in messages");
        }
        // The public key alone is read as before.
        TokenVerifiers.create(VerifierSettings.builder().publicKeyFile(writePem(dir, "public.pem", publicKey)).clock(clock).build())
                .verify(token(signer("RS256", rsa), "RS256"));
    }

    @Test
    void unreadableOrEmptyPemFileIsRefused() throws Exception {
        Path missing = dir.resolve("missing.pem");
        assertEquals("public-key-file: cannot read " + missing, assertThrows(IllegalArgumentException.class,
                () -> TokenVerifiers.create(VerifierSettings.builder().publicKeyFile(missing).build())).getMessage());
        Path empty = writePem(dir, "empty.pem", "nothing here\n");
        assertThrows(IllegalArgumentException.class,
                () -> TokenVerifiers.create(VerifierSettings.builder().publicKeyFile(empty).build()));
    }

    @Test
    void embeddedJwkJkuX5uAndX5cHeadersAreNotTrusted() throws Exception {
        KeyPair trusted = TestSupport.rsa("a");
        KeyPair attacker = TestSupport.rsa("b");
        RSAPublicKey attackerPublic = (RSAPublicKey) attacker.getPublic();
        String jwk = "{\"kty\":\"RSA\",\"n\":\"" + b64(unsigned(attackerPublic.getModulus())) + "\",\"e\":\"AQAB\"}";
        KeyedVerifier verifier = pemVerifier(List.of(), trusted.getPublic());
        try (mockwebserver3.MockWebServer server = new mockwebserver3.MockWebServer()) {
            server.start();
            String url = server.url("/keys").toString();
            String[] headers = {
                "{\"alg\":\"RS256\",\"jwk\":" + jwk + "}",
                "{\"alg\":\"RS256\",\"jku\":\"" + url + "\"}",
                "{\"alg\":\"RS256\",\"x5u\":\"" + url + "\"}",
                "{\"alg\":\"RS256\",\"x5c\":[\"" + Base64.getEncoder().encodeToString(attacker.getPublic().getEncoded()) + "\"]}",
            };
            for (String h : headers) {
                assertRejected(RejectReason.BAD_SIGNATURE, verifier, sign(signer("RS256", attacker), h, claims("")));
            }
            assertEquals(0, server.getRequestCount(), "jku/x5u must never be fetched");
        }
    }

    private static byte[] unsigned(java.math.BigInteger n) {
        byte[] bytes = n.toByteArray();
        return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private String resource(String name) throws Exception {
        try (java.io.InputStream in = getClass().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void rejectReasonDescriptionsAreSafeForWwwAuthenticate() {
        for (RejectReason reason : RejectReason.values()) {
            String d = reason.description();
            assertTrue(d.matches("[a-zA-Z0-9 ]+"), d);
            assertEquals(reason.name().toLowerCase(java.util.Locale.ROOT), reason.metricName());
        }
    }

    @Test
    void fingerprintIsSha256PrefixOf12HexDigits() {
        assertEquals("sha256:ba7816bf8f01", Fingerprint.of("abc"));
    }

    @Test
    void verifiedTokenToStringNeverContainsTheToken() throws Exception {
        String token = token(hmac("HS256", SECRET), "HS256");
        VerifiedToken verified = secretVerifier(List.of()).verify(token);
        assertTrue(!verified.toString().contains(token) && !verified.toString().contains(token.split("\\.")[2]));
        assertTrue(verified.toString().contains(Fingerprint.of(token)));
        assertEquals(token, verified.token());
    }

    @Test
    void settingsToStringNeverContainsTheSecret() {
        String text = TestSupport.secretSettings(clock).build().toString();
        assertTrue(!text.contains(new String(SECRET, StandardCharsets.US_ASCII)), text);
    }
}
