package dev.jwtagent.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Project Wycheproof's JSON Web Signature vectors through the key binding and signature layer
 * ({@link JwtVerifier#verifySignatureOnly}): the payloads are not JWT claims. Every {@code invalid}
 * case must be rejected; every {@code valid} case must be accepted unless it is listed below with
 * the reason we reject it.
 */
class WycheproofTest {
    /** Valid vectors we reject on purpose: tcId to the expected reason and why. */
    private static final Map<Integer, Object[]> REJECTED_VALID = new LinkedHashMap<>();

    static {
        REJECTED_VALID.put(346, new Object[] {RejectReason.ALGORITHM_NOT_ALLOWED,
            "RFC 7520 figure 20: the token says PS384 but the JWK says alg PS256; a key is bound to its JWK alg"});
        REJECTED_VALID.put(350, new Object[] {RejectReason.ALGORITHM_NOT_ALLOWED,
            "same as 346, with key_ops"});
        REJECTED_VALID.put(347, new Object[] {RejectReason.ALGORITHM_NOT_ALLOWED,
            "RFC 7520 figure 27: the JWK says alg ES521, which is no JWS algorithm (ES512 is), so the key verifies nothing"});
        REJECTED_VALID.put(351, new Object[] {RejectReason.ALGORITHM_NOT_ALLOWED,
            "same as 347, with key_ops"});
        REJECTED_VALID.put(372, new Object[] {RejectReason.MALFORMED,
            "'?' inside the header segment: we accept only strict base64url, the MAC being over the raw text does not matter"});
        REJECTED_VALID.put(373, new Object[] {RejectReason.MALFORMED,
            "'?' inside the payload segment: strict base64url, as 372"});
    }

    /**
     * Invalid vectors whose {@code jws} is byte-identical to a valid vector (the padding the test
     * name speaks of is absent from the stored vector), so no verifier can reject them and accept
     * the valid one. Their intent is checked by {@link #paddedVariantsOfThoseVectorsAreRejected}.
     */
    private static final Map<Integer, String> DEFECTIVE_INVALID = new LinkedHashMap<>();

    static {
        DEFECTIVE_INVALID.put(367, "invalidBase64Padding: identical to valid vector 357");
        DEFECTIVE_INVALID.put(370, "invalidBase64PaddingInPayload: identical to valid vector 357");
    }

    @Test
    void everyInvalidVectorIsRejectedAndValidOnesAreAcceptedOrExplained() throws Exception {
        String dirProperty = System.getProperty("test.vectors.dir");
        assumeTrue(dirProperty != null, "test.vectors.dir not set (the Maven build always sets it)");
        Path file = Paths.get(dirProperty, "wycheproof", "json_web_signature_test.json");
        // The build names the folder, so a missing file is a broken checkout, not a reason to pass silently.
        assertTrue(Files.isRegularFile(file), "Wycheproof vectors missing: " + file.getFileName() + " under test.vectors.dir");
        Map<String, Object> doc = Jose.parseObject(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));

        List<String> failures = new ArrayList<>();
        java.util.Set<Object> validJws = new java.util.HashSet<>();
        for (Object g : (List<?>) doc.get("testGroups")) {
            for (Object t : (List<?>) ((Map<?, ?>) g).get("tests")) {
                if ("valid".equals(((Map<?, ?>) t).get("result"))) {
                    validJws.add(((Map<?, ?>) t).get("jws"));
                }
            }
        }
        Map<Integer, RejectReason> validRejected = new LinkedHashMap<>();
        java.util.Set<Integer> defectiveSeen = new java.util.HashSet<>();
        int count = 0;
        for (Object g : (List<?>) doc.get("testGroups")) {
            Map<?, ?> group = (Map<?, ?>) g;
            @SuppressWarnings("unchecked")
            Map<String, Object> jwk = (Map<String, Object>) (group.get("public") != null ? group.get("public")
                    : group.get("private"));
            JwtVerifier verifier = verifierFor(jwk);
            for (Object t : (List<?>) group.get("tests")) {
                Map<?, ?> test = (Map<?, ?>) t;
                count++;
                int tcId = ((Long) test.get("tcId")).intValue();
                String result = (String) test.get("result");
                String label = tcId + " " + test.get("comment") + " (" + group.get("comment") + ")";
                if (!"valid".equals(result) && !"invalid".equals(result)) {
                    failures.add("vector " + label + " has result " + result + ", which this test does not judge");
                }
                RejectReason rejected = null;
                try {
                    verifier.verifySignatureOnly((String) test.get("jws"));
                } catch (TokenRejectedException e) {
                    rejected = e.reason();
                }
                if ("invalid".equals(result) && rejected == null && DEFECTIVE_INVALID.containsKey(tcId)) {
                    defectiveSeen.add(tcId);
                    if (!validJws.contains(test.get("jws"))) {
                        failures.add("vector " + label + " is listed as defective but differs from every valid one");
                    }
                } else if ("invalid".equals(result) && rejected == null) {
                    failures.add("accepted invalid vector " + label);
                } else if ("valid".equals(result) && rejected != null) {
                    validRejected.put(tcId, rejected);
                    Object[] expected = REJECTED_VALID.get(tcId);
                    if (expected == null) {
                        failures.add("rejected valid vector " + label + " as " + rejected + " without explanation");
                    } else if (expected[0] != rejected) {
                        failures.add("rejected valid vector " + label + " as " + rejected + ", expected " + expected[0]);
                    }
                } else if (rejected == RejectReason.INTERNAL_ERROR) {
                    failures.add("internal error on " + label);
                }
            }
        }
        assertEquals(((Long) doc.get("numberOfTests")).intValue(), count);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(REJECTED_VALID.keySet(), validRejected.keySet(), "explanations must match actual rejections");
        assertEquals(DEFECTIVE_INVALID.keySet(), defectiveSeen, "every vector listed as defective must be one");
    }

    @Test
    void paddedVariantsOfThoseVectorsAreRejected() {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "oct");
        jwk.put("k", TestSupport.b64(TestSupport.SECRET));
        JwtVerifier verifier = verifierFor(jwk);
        String header = TestSupport.b64("{\"alg\":\"HS256\"}");
        String payload = TestSupport.b64("Test");
        String token = TestSupport.signSegments(TestSupport.hmac("HS256", TestSupport.SECRET), header, payload);
        String signature = token.substring(token.lastIndexOf('.') + 1);
        String[] padded = {header + "=." + payload + "." + signature, header + "." + payload + "==." + signature,
            header + "." + payload + "." + signature + "="};
        for (String variant : padded) {
            org.junit.jupiter.api.Assertions.assertThrows(TokenRejectedException.class,
                    () -> verifier.verifySignatureOnly(variant), variant);
        }
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> verifier.verifySignatureOnly(token));
    }

    private static JwtVerifier verifierFor(Map<String, Object> jwk) {
        List<VerificationKey> keys;
        try {
            keys = Collections.singletonList(KeyMaterial.parseJwk(jwk, JwsAlgorithms.ALL, true));
        } catch (IllegalArgumentException notForSigning) {
            keys = Collections.emptyList();
        }
        KeySource source = new StaticKeySource("jwk", "wycheproof jwk", new KeySet(keys));
        return new JwtVerifier(VerifierSettings.builder().build(), source, null);
    }
}
