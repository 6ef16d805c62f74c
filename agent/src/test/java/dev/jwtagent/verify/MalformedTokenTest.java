package dev.jwtagent.verify;

import static dev.jwtagent.verify.Rejections.assertRejected;
import static dev.jwtagent.verify.TestSupport.SECRET;
import static dev.jwtagent.verify.TestSupport.b64;
import static dev.jwtagent.verify.TestSupport.claims;
import static dev.jwtagent.verify.TestSupport.header;
import static dev.jwtagent.verify.TestSupport.hmac;
import static dev.jwtagent.verify.TestSupport.sign;
import static dev.jwtagent.verify.TestSupport.signSegments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.algorithms.Algorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Random;

class MalformedTokenTest {
    private final KeyedVerifier verifier =
            TokenVerifiers.create(TestSupport.secretSettings(new TestSupport.MutableClock()).build());
    private final Algorithm hs256 = hmac("HS256", SECRET);
    private final String header = b64(header("HS256"));
    private final String payload = b64(claims(""));

    @Test
    void validBaselineIsAccepted() throws Exception {
        verifier.verify(signSegments(hs256, header, payload));
    }

    @Test
    void tokenLongerThanMaxTokenSizeIsRejectedBeforeParsing() {
        KeyedVerifier small = TokenVerifiers.create(
                TestSupport.secretSettings(new TestSupport.MutableClock()).maxTokenSize(100).build());
        StringBuilder garbage = new StringBuilder();
        for (int i = 0; i < 101; i++) {
            garbage.append('!');
        }
        assertRejected(RejectReason.TOO_LARGE, small, garbage.toString());
        assertRejected(RejectReason.MALFORMED, small, garbage.substring(1));
    }

    @Test
    void tokenOfExactlyMaxTokenSizeIsParsed() throws Exception {
        String token = signSegments(hs256, header, payload);
        TokenVerifiers.create(TestSupport.secretSettings(new TestSupport.MutableClock())
                .maxTokenSize(token.length()).build()).verify(token);
    }

    @Test
    void nullAndEmptyTokensAreMalformed() {
        assertRejected(RejectReason.MALFORMED, verifier, null);
        assertRejected(RejectReason.MALFORMED, verifier, "");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "a.b", "a.b.c.d", "..", "...", "{\"alg\":\"HS256\"}.e30.x"})
    void wrongSegmentCountOrGarbageIsMalformed(String token) {
        assertRejected(RejectReason.MALFORMED, verifier, token);
    }

    @Test
    void twoOrFourSegmentsAreMalformed() {
        String token = signSegments(hs256, header, payload);
        assertRejected(RejectReason.MALFORMED, verifier, token.substring(0, token.lastIndexOf('.')));
        assertRejected(RejectReason.MALFORMED, verifier, token + ".");
        assertRejected(RejectReason.MALFORMED, verifier, token + "." + payload);
    }

    @Test
    void base64PaddingIsMalformedEvenWhenSigned() {
        assertRejected(RejectReason.MALFORMED, verifier, signSegments(hs256, header + "=", payload));
        assertRejected(RejectReason.MALFORMED, verifier, signSegments(hs256, header, payload + "=="));
        String token = signSegments(hs256, header, payload);
        assertRejected(RejectReason.MALFORMED, verifier, token + "=");
    }

    @Test
    void standardBase64AlphabetIsMalformed() {
        byte[] bytes = "{\"alg\":\"HS256\",\"x\":\"\u00fb\u00ff\u00fe\"}".getBytes(StandardCharsets.UTF_8);
        String standard = java.util.Base64.getEncoder().withoutPadding().encodeToString(bytes);
        assertTrue(standard.contains("+") || standard.contains("/"), "fixture needs + or /: " + standard);
        assertRejected(RejectReason.MALFORMED, verifier, signSegments(hs256, standard, payload));
    }

    @ParameterizedTest
    @ValueSource(strings = {" ", "\n", "\t"})
    void whitespaceInsideSegmentsIsMalformed(String space) {
        String token = signSegments(hs256, header, payload);
        int dot = token.indexOf('.');
        assertRejected(RejectReason.MALFORMED, verifier, token.substring(0, 5) + space + token.substring(5));
        assertRejected(RejectReason.MALFORMED, verifier, token.substring(0, dot + 3) + space + token.substring(dot + 3));
        assertRejected(RejectReason.MALFORMED, verifier, token + space);
        assertRejected(RejectReason.MALFORMED, verifier, signSegments(hs256, header + space, payload));
    }

    @Test
    void nonCanonicalBase64TrailingBitsAreMalformed() {
        String p = payload;
        while (p.length() % 4 != 2 && p.length() % 4 != 3) {
            p = b64(claims("\"pad\":\"" + "x".repeat(p.length() % 7) + "\""));
        }
        char last = p.charAt(p.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        String tweaked = p.substring(0, p.length() - 1) + alphabet.charAt(alphabet.indexOf(last) + 1);
        assertRejected(RejectReason.MALFORMED, verifier, signSegments(hs256, header, tweaked));
    }

    @Test
    void headerOrPayloadThatIsNotAJsonObjectIsMalformed() {
        assertRejected(RejectReason.MALFORMED, verifier, sign(hs256, "[\"HS256\"]", claims("")));
        assertRejected(RejectReason.MALFORMED, verifier, sign(hs256, "\"HS256\"", claims("")));
        assertRejected(RejectReason.MALFORMED, verifier, sign(hs256, header("HS256"), "[1,2]"));
        assertRejected(RejectReason.MALFORMED, verifier, sign(hs256, header("HS256"), "42"));
        assertRejected(RejectReason.MALFORMED, verifier, sign(hs256, header("HS256"), "foo"));
        assertRejected(RejectReason.MALFORMED, verifier, sign(hs256, header("HS256"), ""));
        assertRejected(RejectReason.MALFORMED, verifier, sign(hs256, header("HS256"), claims("") + "{}"));
        assertRejected(RejectReason.MALFORMED, verifier, sign(hs256, header("HS256"), claims("") + " x"));
        assertRejected(RejectReason.MALFORMED, verifier, sign(hs256, header("HS256"), "{\"exp\":1,}"));
        assertRejected(RejectReason.MALFORMED, verifier, sign(hs256, header("HS256"), "{'exp':1}"));
    }

    @Test
    void invalidUtf8IsMalformed() {
        byte[] headerBytes = "{\"alg\":\"HS256\",\"x\":\"\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] bad = new byte[headerBytes.length + 2];
        System.arraycopy(headerBytes, 0, bad, 0, headerBytes.length - 2);
        bad[headerBytes.length - 2] = (byte) 0xC0;
        bad[headerBytes.length - 1] = (byte) 0xAF;
        bad[headerBytes.length] = '"';
        bad[headerBytes.length + 1] = '}';
        assertRejected(RejectReason.MALFORMED, verifier, signSegments(hs256, b64(bad), payload));
        byte[] claims = claims("\"x\":\"\"").getBytes(StandardCharsets.US_ASCII);
        byte[] badClaims = new byte[claims.length + 1];
        System.arraycopy(claims, 0, badClaims, 0, claims.length - 2);
        badClaims[claims.length - 2] = (byte) 0xED;
        badClaims[claims.length - 1] = (byte) 0xA0;
        badClaims[claims.length] = (byte) 0x80;
        String tail = "\"}";
        byte[] full = new byte[badClaims.length + 2];
        System.arraycopy(badClaims, 0, full, 0, badClaims.length);
        System.arraycopy(tail.getBytes(StandardCharsets.US_ASCII), 0, full, badClaims.length, 2);
        assertRejected(RejectReason.MALFORMED, verifier, signSegments(hs256, header, b64(full)));
    }

    @Test
    void algThatIsNotAStringIsMalformed() {
        assertRejected(RejectReason.MALFORMED, verifier, sign(hs256, "{\"alg\":256}", claims("")));
        assertRejected(RejectReason.MALFORMED, verifier, sign(hs256, "{\"typ\":\"JWT\"}", claims("")));
    }

    @Test
    void kidThatIsNotAStringIsMalformed() {
        assertRejected(RejectReason.MALFORMED, verifier, sign(hs256, "{\"alg\":\"HS256\",\"kid\":1}", claims("")));
    }

    @Test
    void deeplyNestedJsonIsMalformedNotAStackOverflow() {
        String deep = "[".repeat(2000) + "]".repeat(2000);
        KeyedVerifier big = TokenVerifiers.create(TestSupport.secretSettings(new TestSupport.MutableClock())
                .maxTokenSize(100_000).build());
        assertRejected(RejectReason.MALFORMED, big, sign(hs256, header("HS256"), claims("\"d\":" + deep)));
    }

    @Test
    void randomGarbageNeverEscapesAsAnythingButTokenRejectedException() {
        Random random = new Random(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ {}\"\\";
        String valid = signSegments(hs256, header, payload);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            if (i % 2 == 0) {
                sb.append(valid);
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    int pos = random.nextInt(sb.length());
                    sb.setCharAt(pos, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            } else {
                int len = random.nextInt(200);
                for (int k = 0; k < len; k++) {
                    sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String token = sb.toString();
            try {
                verifier.verify(token);
                assertEquals(valid, token, "only the untouched token may pass");
            } catch (TokenRejectedException e) {
                assertFalse(e.getMessage().contains(token) && token.length() > 8);
            }
        }
    }

    @Test
    void javaJwtLevelGarbageInsideValidJsonIsRejectedCleanly() {
        String[] headers = {"{\"alg\":\"RS256\"}", "{\"alg\":\"ES256\",\"kid\":\"\"}", "{\"alg\":\"\"}",
            "{\"alg\":\"HS256\",\"jwk\":{}}", "{\"alg\":null}"};
        for (String h : headers) {
            try {
                verifier.verify(b64(h) + "." + payload + ".");
            } catch (TokenRejectedException expected) {
                continue;
            }
            throw new AssertionError("accepted " + h);
        }
    }
}
