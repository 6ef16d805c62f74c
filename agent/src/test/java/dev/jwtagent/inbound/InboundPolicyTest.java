package dev.jwtagent.inbound;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.jwtagent.bootstrap.InboundDecision;
import dev.jwtagent.metrics.AgentMetrics;
import dev.jwtagent.verify.RejectReason;
import dev.jwtagent.verify.TokenRejectedException;
import dev.jwtagent.verify.TokenVerifier;
import dev.jwtagent.verify.TokenVerifiers;
import dev.jwtagent.verify.VerifiedToken;
import dev.jwtagent.verify.VerifierSettings;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InboundPolicyTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final TokenVerifier VERIFIER = TokenVerifiers.create(VerifierSettings.builder()
            .secret(SECRET).issuers(List.of("https://issuer.test")).audiences(List.of("orders")).build());

    private final AgentMetrics metrics = new AgentMetrics();

    private InboundPolicy policy(boolean enforce, boolean required, String... excluded) {
        return new InboundPolicy(VERIFIER, enforce, required, PathPatterns.parse(List.of(excluded)), "Authorization", 8192, metrics);
    }

    private static String token(String subject) {
        return JWT.create().withIssuer("https://issuer.test").withAudience("orders").withSubject(subject)
                .withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256(SECRET));
    }

    private static Enumeration<String> headers(String... values) {
        return Collections.enumeration(List.of(values));
    }

    @Test
    void validTokenProceedsWithTokenSubjectAndClaims() {
        String token = token("alice");
        InboundDecision decision = policy(true, false).decide(headers("Bearer " + token), "/orders", null, null);
        assertFalse(decision.rejects());
        assertEquals(token, decision.token().value());
        assertEquals("alice", decision.subject());
        assertEquals("alice", decision.claims().get("sub"));
        assertEquals(1, metrics.get("verified"));
    }

    @Test
    void invalidTokenIsRefusedWith401AndReason() {
        InboundDecision decision = policy(true, false).decide(headers("Bearer x.y.z"), "/orders", null, null);
        assertEquals(401, decision.rejectStatus());
        assertEquals("Bearer error=\"invalid_token\", error_description=\"malformed token\"", decision.wwwAuthenticate());
        assertEquals("{\"error\":\"invalid_token\",\"error_description\":\"malformed token\"}", new String(decision.body(), StandardCharsets.UTF_8));
        assertEquals(1, metrics.get("rejected.malformed"));
    }

    @Test
    void monitorModeLetsTheRequestGoOnWithoutTheToken() {
        InboundDecision decision = policy(false, true).decide(headers("Bearer x.y.z"), "/orders", null, null);
        assertFalse(decision.rejects());
        assertNull(decision.token(), "an invalid token is never propagated, even in monitor mode");
        assertEquals(1, metrics.get("rejected.malformed"));
        assertEquals(1, metrics.get("monitored"));
    }

    @Test
    void missingTokenIsRefusedOnlyWhenRequired() {
        assertFalse(policy(true, false).decide(headers(), "/orders", null, null).rejects());
        InboundDecision required = policy(true, true).decide(headers(), "/orders", null, null);
        assertEquals(401, required.rejectStatus());
        assertEquals("Bearer", required.wwwAuthenticate());
        assertEquals(2, metrics.get("missing"));
    }

    @Test
    void excludedPathIsNeverVerified() {
        InboundDecision decision = policy(true, true, "/health").decide(headers("Bearer x.y.z"), "/health", null, null);
        assertFalse(decision.rejects());
        assertNull(decision.token());
        assertEquals(1, metrics.get("excluded"));
    }

    @Test
    void servletPathAndPathInfoAreJoinedForExclusion() {
        assertFalse(policy(true, true, "/api/public/**").decide(headers(), "/api", "/public/x", null).rejects());
    }

    @Test
    void thePathIsAskedForOnlyWhenPathsAreExcluded() {
        assertTrue(policy(true, true, "/health").readsPath());
        assertFalse(policy(true, true).readsPath(), "the servlet hooks then pass no path");
        assertTrue(policy(true, true).decide(headers(), null, null, null).rejects(), "and a missing token is still refused");
    }

    @Test
    void twoHeadersAreABadRequest() {
        InboundDecision decision = policy(true, false).decide(headers("Bearer a", "Bearer b"), "/", null, null);
        assertEquals(400, decision.rejectStatus());
        assertTrue(decision.wwwAuthenticate().startsWith("Bearer error=\"invalid_request\""));
    }

    @Test
    void bearerWithTwoSpacesIsAcceptedAsRfc7235Allows() {
        assertEquals("alice", policy(true, false).decide(headers("Bearer  " + token("alice")), "/", null, null).subject());
    }

    @Test
    void bearerWithTabOrCommaIsABadRequest() {
        assertEquals(400, policy(true, false).decide(headers("Bearer\t" + token("a")), "/", null, null).rejectStatus());
        assertEquals(400, policy(true, false).decide(headers("Bearer a, Bearer b"), "/", null, null).rejectStatus());
    }

    @Test
    void otherSchemesCountAsNoToken() {
        assertFalse(policy(true, false).decide(headers("Basic YWxpY2U6c2VjcmV0"), "/", null, null).rejects());
        assertEquals(1, metrics.get("missing"));
    }

    @Test
    void queryTokenIsCountedAndIgnored() {
        InboundDecision decision = policy(true, false).decide(headers(), "/", null, "a=1&access_token=" + token("alice"));
        assertNull(decision.token());
        assertEquals(1, metrics.get("query_token_ignored"));
    }

    @Test
    void queryTokenOnAnExcludedPathIsCountedToo() {
        InboundDecision decision = policy(true, true, "/health").decide(headers(), "/health", null, "access_token=" + token("alice"));
        assertFalse(decision.rejects());
        assertNull(decision.token());
        assertEquals(1, metrics.get("excluded"));
        assertEquals(1, metrics.get("query_token_ignored"));
    }

    @Test
    void tooLargeTokenIsRefusedBeforeParsing() {
        InboundPolicy small = new InboundPolicy(token -> {
            throw new AssertionError("must not be parsed");
        }, true, false, PathPatterns.parse(List.of()), "Authorization", 10, metrics);
        assertEquals("Bearer error=\"invalid_token\", error_description=\"token too large\"",
                small.decide(headers("Bearer " + "a".repeat(11)), "/", null, null).wwwAuthenticate());
    }

    @Test
    void internalFaultFailsClosedWith401() {
        InboundPolicy broken = new InboundPolicy(token -> {
            throw new IllegalStateException("boom");
        }, true, false, PathPatterns.parse(List.of()), "Authorization", 8192, metrics);
        InboundDecision decision = broken.decide(headers("Bearer a.b.c"), "/", null, null);
        assertEquals(401, decision.rejectStatus());
        assertEquals("Bearer error=\"invalid_token\", error_description=\"internal error\"", decision.wwwAuthenticate());
        assertEquals(1, metrics.get("internal_faults"));
    }

    @Test
    void customHeaderCarriesTheBareToken() {
        InboundPolicy custom = new InboundPolicy(VERIFIER, true, false, PathPatterns.parse(List.of()), "X-Token", 8192, metrics);
        assertEquals("bob", custom.decide(headers(token("bob")), "/", null, null).subject());
    }

    @Test
    void anAccessTokenQueryParameterIsRecognisedByItsWholeName() {
        for (String query : new String[] {"access_token=abc", "a=1&access_token=abc", "access_token", "a=1&access_token&b=2", "x=&access_token=",
                "access%5Ftoken=abc", "a=1&access%5ftoken", "%61%63cess_token=abc", "access_toke%6E=x=y"}) {
            assertTrue(InboundPolicy.carriesAccessToken(query), query);
        }
        for (String query : new String[] {"", "a=1", "my_access_token=abc", "access_tokens=abc", "a=access_token", "access_token_x=1&b=2", "&&",
                "access%5Ftokens=abc", "access%5Gtoken=abc", "access_token%", "access_toke%6", "access%20token=abc", "a=access%5Ftoken", "%=1&access",
                "access%\uFF15\uFF26token=x", "access%\u0665Ftoken=x"}) {
            assertFalse(InboundPolicy.carriesAccessToken(query), query);
        }
    }

    /**
     * A query of many parameters without '=' is scanned once, not once per parameter to its end: the
     * fastest of several timings of each shape, so that a pause of the JVM does not decide.
     */
    @Test
    void theAccessTokenScanIsLinearInTheQueryLength() {
        String noEquals = "a&".repeat(32 * 1024);
        String withEquals = "a=1&".repeat(16 * 1024);
        long fastestWithout = Long.MAX_VALUE;
        long fastestWith = Long.MAX_VALUE;
        for (int round = 0; round < 15; round++) {
            long a = System.nanoTime();
            assertFalse(InboundPolicy.carriesAccessToken(noEquals));
            long b = System.nanoTime();
            assertFalse(InboundPolicy.carriesAccessToken(withEquals));
            long c = System.nanoTime();
            fastestWithout = Math.min(fastestWithout, b - a);
            fastestWith = Math.min(fastestWith, c - b);
        }
        // Quadratic, the first took over 100 times the second; linear, about the same.
        assertTrue(fastestWithout < 10 * fastestWith, fastestWithout / 1e6 + " ms against " + fastestWith / 1e6 + " ms");
    }

    @Test
    void aMalformedHeaderIsABadRequest() {
        for (String value : new String[] {"Bearer", "Bearer\tabc", "Bearer abc def", "Bearer abc=def", "Bearer ä.b.c",
                "Bearer:" + token("alice"), "bearer," + token("alice"), "Bearer\u00a0" + token("alice"), "Bearer\u000b" + token("alice")}) {
            InboundDecision decision = policy(true, false).decide(headers(value), "/orders", null, null);
            assertEquals(400, decision.rejectStatus(), value);
            assertEquals("Bearer error=\"invalid_request\", error_description=\"malformed Authorization header\"",
                    decision.wwwAuthenticate(), value);
        }
        assertEquals(9, metrics.get("rejected.malformed_header"));
        for (String value : new String[] {"Bearerx abc", "Bearer-Token abc", "Bearer.1 abc"}) {
            assertFalse(policy(true, false).decide(headers(value), "/orders", null, null).rejects(), value + ": another scheme, the application's");
        }
    }

    @Test
    void aTokenTheVerifierRemembersIsNotCheckedCharacterByCharacterAgain() throws Exception {
        // Only strings that passed the character check once are ever remembered; "known token" stands for such a string here.
        String known = "known token";
        VerifiedToken verified = VERIFIER.verify(token("alice"));
        TokenVerifier remembering = new TokenVerifier() {
            @Override
            public VerifiedToken verify(String token) {
                throw new AssertionError("a remembered token is not verified again");
            }

            @Override
            public VerifiedToken verifyRemembered(String token) {
                return token.equals(known) ? verified : null;
            }
        };
        InboundPolicy policy = new InboundPolicy(remembering, true, false, PathPatterns.parse(List.of()), "Authorization", 8192, metrics);
        InboundDecision decision = policy.decide(headers("Bearer " + known), "/orders", null, null);
        assertFalse(decision.rejects());
        assertEquals(known, decision.token().value());
        assertEquals("alice", decision.subject());
        assertEquals(400, policy.decide(headers("Bearer " + known + "x y"), "/orders", null, null).rejectStatus(),
                "anything else is still checked");
        assertEquals(400, policy.decide(headers("Bearer\t" + known), "/orders", null, null).rejectStatus(),
                "the scheme and separator are still checked");
        assertEquals(1, metrics.get("verified"));
    }

    /** A verifier that remembers every token as one whose exp (and skew) has passed since, and verifies none again. */
    private static TokenVerifier rememberedButExpired() {
        return new TokenVerifier() {
            @Override
            public VerifiedToken verify(String token) {
                throw new AssertionError("a remembered token is not verified again");
            }

            @Override
            public VerifiedToken verifyRemembered(String token) throws TokenRejectedException {
                throw new TokenRejectedException(RejectReason.EXPIRED);
            }
        };
    }

    @Test
    void aRememberedTokenThatHasExpiredIsRefusedWithoutAnotherVerification() {
        InboundPolicy policy = new InboundPolicy(rememberedButExpired(), true, false, PathPatterns.parse(List.of()), "Authorization", 8192,
                metrics);
        InboundDecision decision = policy.decide(headers("Bearer " + token("alice")), "/orders", null, null);
        assertEquals(401, decision.rejectStatus());
        assertEquals("Bearer error=\"invalid_token\", error_description=\"token expired\"", decision.wwwAuthenticate());
        assertEquals(1, metrics.get("rejected.expired"));
        assertEquals(0, metrics.get("verified"));
    }

    @Test
    void aRememberedHeaderIsDecidedLikeTheSameHeaderReadAgain() {
        String token = token("alice");
        InboundPolicy policy = policy(true, true, "/health");
        InboundDecision first = policy.decide(headers("Bearer " + token), "/orders", null, null);
        InboundDecision again = policy.decideRemembered("Bearer " + token, first, "/orders", null, null);
        assertSame(first, again, "the same decision while its verification is remembered");
        assertEquals(token, again.token().value());
        assertEquals("alice", again.subject());
        assertEquals("alice", again.claims().get("sub"));
        assertEquals(2, metrics.get("verified"));

        assertNull(policy.decideRemembered("Bearer " + token, first, "/health", null, null).token(), "an excluded path carries no token");
        assertEquals(1, metrics.get("excluded"));
        policy.decideRemembered("Bearer " + token, first, "/orders", null, "access_token=x");
        assertEquals(1, metrics.get("query_token_ignored"), "the query is still looked at");
    }

    @Test
    void aRememberedHeaderWhoseTokenIsNoLongerRememberedIsVerifiedAgain() {
        String token = token("carol");
        TokenVerifier forgetful = new TokenVerifier() {
            @Override
            public VerifiedToken verify(String candidate) throws TokenRejectedException {
                return VERIFIER.verify(candidate);
            }

            @Override
            public VerifiedToken verifyRemembered(String candidate) {
                return null;
            }
        };
        InboundPolicy policy = new InboundPolicy(forgetful, true, false, PathPatterns.parse(List.of()), "Authorization", 8192, metrics);
        InboundDecision earlier = policy.decide(headers("Bearer " + token), "/orders", null, null);
        InboundDecision decision = policy.decideRemembered("Bearer " + token, earlier, "/orders", null, null);
        assertNotSame(earlier, decision, "decided anew");
        assertEquals("carol", decision.subject());
        assertEquals(token, decision.token().value());
    }

    @Test
    void onlyAnAsciiHeaderEverCarriesAVerifiedToken() {
        // The servlet hooks compare a remembered header with a request's bytes as ISO-8859-1: it must be ASCII.
        String token = token("alice");
        InboundPolicy policy = policy(true, false);
        assertEquals("alice", policy.decide(headers("Bearer " + token), "/orders", null, null).subject());
        for (String value : new String[] {"Bearer " + token + "\u00e9", "Bearer " + token + "\u0100", "Bearer\u00a0" + token,
                "\u00a0Bearer " + token, "Bearer " + token + "\u00a0", "Bearer " + token + "\u3000", "B\u00e9arer " + token,
                "Bearer \u00e9" + token, "Bearer " + token.replace('.', '\u2024')}) {
            assertNull(policy.decide(headers(value), "/orders", null, null).token(), value);
        }
    }

    @Test
    void aRememberedHeaderWhoseTokenHasExpiredIsRefused() {
        InboundPolicy policy = new InboundPolicy(rememberedButExpired(), true, false, PathPatterns.parse(List.of()), "Authorization", 8192,
                metrics);
        String token = token("alice");
        // Decided when the token was valid; its verifier no longer remembers it, and a lookup finds it expired.
        InboundDecision earlier = policy(true, false).decide(headers("Bearer " + token), "/orders", null, null);
        InboundDecision decision = policy.decideRemembered("Bearer " + token, earlier, "/orders", null, null);
        assertEquals(401, decision.rejectStatus());
        assertEquals("Bearer error=\"invalid_token\", error_description=\"token expired\"", decision.wwwAuthenticate());
    }

    @Test
    void aFaultWhileDecidingARememberedHeaderFailsClosed() {
        TokenVerifier broken = new TokenVerifier() {
            @Override
            public VerifiedToken verify(String token) {
                throw new IllegalStateException("cannot read " + token);
            }

            @Override
            public VerifiedToken verifyRemembered(String token) {
                throw new IllegalStateException("cannot read " + token);
            }

            @Override
            public boolean stillRemembered(VerifiedToken verified) {
                throw new IllegalStateException("cannot read " + verified.token());
            }
        };
        InboundPolicy policy = new InboundPolicy(broken, true, false, PathPatterns.parse(List.of()), "Authorization", 8192, metrics);
        String token = token("alice");
        InboundDecision earlier = policy(true, false).decide(headers("Bearer " + token), "/orders", null, null);
        InboundDecision decision = policy.decideRemembered("Bearer " + token, earlier, "/orders", null, null);
        assertEquals(401, decision.rejectStatus());
        assertEquals(1, metrics.get("internal_faults"));
    }
}
