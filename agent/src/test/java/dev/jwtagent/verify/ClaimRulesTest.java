package dev.jwtagent.verify;

import static dev.jwtagent.verify.Rejections.assertRejected;
import static dev.jwtagent.verify.TestSupport.NOW;
import static dev.jwtagent.verify.TestSupport.SECRET;
import static dev.jwtagent.verify.TestSupport.claims;
import static dev.jwtagent.verify.TestSupport.header;
import static dev.jwtagent.verify.TestSupport.hmac;
import static dev.jwtagent.verify.TestSupport.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

class ClaimRulesTest {
    private final TestSupport.MutableClock clock = new TestSupport.MutableClock();

    private KeyedVerifier verifier(VerifierSettings.Builder settings) {
        return TokenVerifiers.create(settings.build());
    }

    private KeyedVerifier verifier() {
        return verifier(TestSupport.secretSettings(clock));
    }

    private static String hs256(String payload) {
        return sign(hmac("HS256", SECRET), header("HS256"), payload);
    }

    private static long epoch(Duration fromNow) {
        return NOW.plus(fromNow).getEpochSecond();
    }

    @Test
    void validTokenIsAccepted() throws Exception {
        VerifiedToken token = verifier().verify(hs256(claims("\"iss\":\"https://idp\"")));
        assertEquals("alice", token.subject());
        assertEquals("https://idp", token.issuer());
        assertEquals(NOW.plusSeconds(3600), token.expiresAt());
        assertEquals("secret", token.keySourceDescription());
    }

    @Test
    void expiredTokenIsRejected() {
        String token = hs256("{\"exp\":" + epoch(Duration.ofSeconds(-31)) + "}");
        assertRejected(RejectReason.EXPIRED, verifier(), token);
    }

    @Test
    void tokenExpiredWithinClockSkewIsAccepted() throws Exception {
        verifier().verify(hs256("{\"exp\":" + epoch(Duration.ofSeconds(-29)) + "}"));
    }

    @Test
    void tokenExpiringExactlyAtSkewBoundaryIsRejected() {
        assertRejected(RejectReason.EXPIRED, verifier(), hs256("{\"exp\":" + epoch(Duration.ofSeconds(-30)) + "}"));
    }

    @Test
    void clockSkewSettingIsApplied() throws Exception {
        String token = hs256("{\"exp\":" + epoch(Duration.ofSeconds(-100)) + "}");
        verifier(TestSupport.secretSettings(clock).clockSkew(Duration.ofMinutes(2))).verify(token);
        assertRejected(RejectReason.EXPIRED, verifier(TestSupport.secretSettings(clock).clockSkew(Duration.ZERO)),
                hs256("{\"exp\":" + epoch(Duration.ZERO) + "}"));
    }

    @Test
    void missingExpIsRejected() {
        assertRejected(RejectReason.MISSING_EXP, verifier(), hs256("{\"sub\":\"alice\"}"));
    }

    @Test
    void nullExpIsRejected() {
        assertRejected(RejectReason.MISSING_EXP, verifier(), hs256("{\"exp\":null}"));
    }

    @Test
    void stringExpIsRejected() {
        assertRejected(RejectReason.MALFORMED, verifier(), hs256("{\"exp\":\"" + epoch(Duration.ofHours(1)) + "\"}"));
    }

    @Test
    void booleanOrObjectExpIsRejected() {
        assertRejected(RejectReason.MALFORMED, verifier(), hs256("{\"exp\":true}"));
        assertRejected(RejectReason.MALFORMED, verifier(), hs256("{\"exp\":{\"v\":1}}"));
    }

    @Test
    void fractionalExpIsAccepted() throws Exception {
        VerifiedToken token = verifier().verify(hs256("{\"exp\":" + epoch(Duration.ofHours(1)) + ".75}"));
        assertEquals(NOW.plusSeconds(3600), token.expiresAt());
    }

    /** A fraction counts on the strict side: an nbf or iat half a second past the skew is past it. */
    @Test
    void fractionalNotBeforeAndIssuedAtAreRoundedTowardTheFuture() throws Exception {
        String exp = "\"exp\":" + epoch(Duration.ofHours(1));
        assertRejected(RejectReason.NOT_YET_VALID, verifier(), hs256("{" + exp + ",\"nbf\":" + epoch(Duration.ofSeconds(30)) + ".5}"));
        assertRejected(RejectReason.ISSUED_IN_FUTURE, verifier(), hs256("{" + exp + ",\"iat\":" + epoch(Duration.ofSeconds(30)) + ".5}"));
        KeyedVerifier noSkew = verifier(TestSupport.secretSettings(clock).clockSkew(Duration.ZERO));
        assertRejected(RejectReason.NOT_YET_VALID, noSkew, hs256("{" + exp + ",\"nbf\":" + epoch(Duration.ZERO) + ".1}"));
        verifier().verify(hs256("{" + exp + ",\"nbf\":" + epoch(Duration.ofSeconds(29)) + ".5,\"iat\":" + epoch(Duration.ofSeconds(29)) + ".5}"));
        noSkew.verify(hs256("{" + exp + ",\"nbf\":" + epoch(Duration.ofSeconds(-1)) + ".9}"));
    }

    @Test
    void hugeExpIsClampedNotOverflowing() throws Exception {
        verifier().verify(hs256("{\"exp\":123456789012345678901234567890}"));
        verifier().verify(hs256("{\"exp\":1e300}"));
        assertRejected(RejectReason.EXPIRED, verifier(), hs256("{\"exp\":-123456789012345678901234567890}"));
    }

    @Test
    void notYetValidTokenIsRejected() {
        assertRejected(RejectReason.NOT_YET_VALID, verifier(),
                hs256(claims("\"nbf\":" + epoch(Duration.ofSeconds(31)))));
    }

    @Test
    void notBeforeWithinClockSkewIsAccepted() throws Exception {
        verifier().verify(hs256(claims("\"nbf\":" + epoch(Duration.ofSeconds(30)))));
    }

    @Test
    void stringNotBeforeIsRejected() {
        assertRejected(RejectReason.MALFORMED, verifier(), hs256(claims("\"nbf\":\"0\"")));
    }

    @Test
    void nullNotBeforeIsRejected() {
        assertRejected(RejectReason.MALFORMED, verifier(), hs256(claims("\"nbf\":null")));
    }

    @Test
    void tokenIssuedInTheFutureIsRejected() {
        assertRejected(RejectReason.ISSUED_IN_FUTURE, verifier(),
                hs256(claims("\"iat\":" + epoch(Duration.ofSeconds(31)))));
    }

    @Test
    void issuedAtWithinClockSkewIsAccepted() throws Exception {
        verifier().verify(hs256(claims("\"iat\":" + epoch(Duration.ofSeconds(30)))));
    }

    @Test
    void stringIssuedAtIsRejected() {
        assertRejected(RejectReason.MALFORMED, verifier(), hs256(claims("\"iat\":\"now\"")));
    }

    @Test
    void wrongIssuerIsRejected() {
        KeyedVerifier verifier = verifier(TestSupport.secretSettings(clock).issuers(List.of("https://a", "https://b")));
        assertRejected(RejectReason.WRONG_ISSUER, verifier, hs256(claims("\"iss\":\"https://c\"")));
    }

    @Test
    void missingIssuerIsRejectedWhenIssuersAreConfigured() {
        KeyedVerifier verifier = verifier(TestSupport.secretSettings(clock).issuers(List.of("https://a")));
        assertRejected(RejectReason.WRONG_ISSUER, verifier, hs256(claims("")));
    }

    @Test
    void nonStringIssuerIsRejected() {
        KeyedVerifier verifier = verifier(TestSupport.secretSettings(clock).issuers(List.of("https://a")));
        assertRejected(RejectReason.WRONG_ISSUER, verifier, hs256(claims("\"iss\":[\"https://a\"]")));
        assertRejected(RejectReason.MALFORMED, verifier(), hs256(claims("\"iss\":42")));
    }

    @Test
    void anyConfiguredIssuerIsAccepted() throws Exception {
        KeyedVerifier verifier = verifier(TestSupport.secretSettings(clock).issuers(List.of("https://a", "https://b")));
        assertEquals("https://b", verifier.verify(hs256(claims("\"iss\":\"https://b\""))).issuer());
    }

    @Test
    void wrongAudienceIsRejected() {
        KeyedVerifier verifier = verifier(TestSupport.secretSettings(clock).audiences(List.of("orders")));
        assertRejected(RejectReason.WRONG_AUDIENCE, verifier, hs256(claims("\"aud\":\"billing\"")));
        assertRejected(RejectReason.WRONG_AUDIENCE, verifier, hs256(claims("\"aud\":[\"billing\",\"shipping\"]")));
    }

    @Test
    void missingAudienceIsRejectedWhenAudiencesAreConfigured() {
        KeyedVerifier verifier = verifier(TestSupport.secretSettings(clock).audiences(List.of("orders")));
        assertRejected(RejectReason.WRONG_AUDIENCE, verifier, hs256(claims("")));
    }

    @Test
    void audienceStringOrArrayWithOneMatchIsAccepted() throws Exception {
        KeyedVerifier verifier = verifier(TestSupport.secretSettings(clock).audiences(List.of("orders", "other")));
        verifier.verify(hs256(claims("\"aud\":\"orders\"")));
        verifier.verify(hs256(claims("\"aud\":[\"billing\",\"orders\"]")));
    }

    @Test
    void audienceArrayWithNonStringIsRejected() {
        KeyedVerifier verifier = verifier(TestSupport.secretSettings(clock).audiences(List.of("orders")));
        assertRejected(RejectReason.WRONG_AUDIENCE, verifier, hs256(claims("\"aud\":[\"orders\",7]")));
        assertRejected(RejectReason.WRONG_AUDIENCE, verifier, hs256(claims("\"aud\":{\"orders\":true}")));
    }

    @Test
    void missingRequiredClaimIsRejected() {
        KeyedVerifier verifier = verifier(TestSupport.secretSettings(clock).requiredClaims(List.of("sub", "tenant")));
        assertRejected(RejectReason.MISSING_CLAIM, verifier, hs256(claims("")));
        assertRejected(RejectReason.MISSING_CLAIM, verifier, hs256(claims("\"tenant\":null")));
    }

    @Test
    void presentRequiredClaimsAreAccepted() throws Exception {
        KeyedVerifier verifier = verifier(TestSupport.secretSettings(clock).requiredClaims(List.of("sub", "tenant")));
        verifier.verify(hs256(claims("\"tenant\":\"t1\"")));
    }

    @Test
    void nonStringSubjectIsRejected() {
        assertRejected(RejectReason.MALFORMED, verifier(), hs256("{\"sub\":12,\"exp\":" + epoch(Duration.ofHours(1)) + "}"));
    }

    @Test
    void subjectMayBeAbsent() throws Exception {
        assertNull(verifier().verify(hs256("{\"exp\":" + epoch(Duration.ofHours(1)) + "}")).subject());
    }

    @Test
    void anyCritHeaderIsRejected() {
        String payload = claims("");
        assertRejected(RejectReason.UNSUPPORTED_CRIT, verifier(),
                sign(hmac("HS256", SECRET), "{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}", payload));
        assertRejected(RejectReason.UNSUPPORTED_CRIT, verifier(),
                sign(hmac("HS256", SECRET), "{\"alg\":\"HS256\",\"crit\":[]}", payload));
    }

    @Test
    void duplicateHeaderMemberIsRejected() {
        assertRejected(RejectReason.DUPLICATE_MEMBER, verifier(),
                sign(hmac("HS256", SECRET), "{\"alg\":\"none\",\"alg\":\"HS256\"}", claims("")));
    }

    @Test
    void duplicatePayloadMemberIsRejected() {
        assertRejected(RejectReason.DUPLICATE_MEMBER, verifier(), hs256(claims("\"sub\":\"mallory\"")));
        assertRejected(RejectReason.DUPLICATE_MEMBER, verifier(),
                hs256("{\"exp\":1,\"exp\":" + epoch(Duration.ofHours(1)) + "}"));
    }

    @Test
    void nestedDuplicateMemberIsRejected() {
        assertRejected(RejectReason.DUPLICATE_MEMBER, verifier(),
                hs256(claims("\"roles\":{\"admin\":false,\"admin\":true}")));
    }

    @Test
    void claimsAreUnmodifiablePlainJavaValues() throws Exception {
        VerifiedToken token = verifier().verify(hs256(claims(
                "\"n\":5,\"big\":123456789012345678901234567890,\"d\":1.5,\"b\":true,\"z\":null,"
                        + "\"list\":[1,\"x\",null],\"obj\":{\"k\":[{\"deep\":\"v\"}]}")));
        java.util.Map<String, Object> c = token.claims();
        assertEquals(5L, c.get("n"));
        assertEquals(new java.math.BigInteger("123456789012345678901234567890"), c.get("big"));
        assertEquals(1.5, c.get("d"));
        assertEquals(Boolean.TRUE, c.get("b"));
        assertNull(c.get("z"));
        assertEquals(java.util.Arrays.asList(1L, "x", null), c.get("list"));
        assertThrows(UnsupportedOperationException.class, () -> c.put("x", 1));
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> obj = (java.util.Map<String, Object>) c.get("obj");
        @SuppressWarnings("unchecked")
        java.util.List<Object> list = (java.util.List<Object>) obj.get("k");
        assertThrows(UnsupportedOperationException.class, () -> list.add("y"));
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> deep = (java.util.Map<String, Object>) list.get(0);
        assertThrows(UnsupportedOperationException.class, () -> deep.remove("deep"));
    }
}
