package dev.jwtagent.verify;

import static dev.jwtagent.verify.Rejections.assertRejected;
import static dev.jwtagent.verify.TestSupport.NOW;
import static dev.jwtagent.verify.TestSupport.claims;
import static dev.jwtagent.verify.TestSupport.header;
import static dev.jwtagent.verify.TestSupport.sign;
import static dev.jwtagent.verify.TestSupport.signer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

class VerifiedTokenCacheTest {
    private final TestSupport.MutableClock clock = new TestSupport.MutableClock();
    private final KeyPair ec = TestSupport.ec("secp256r1", "a");

    /** An ES256 key whose signature checks are counted. */
    private final class CountingKeys {
        final AtomicInteger checks = new AtomicInteger();
        /** Runs inside each signature check, as another thread could meanwhile. */
        Runnable duringCheck = () -> { };

        JwtVerifier verifier(VerifiedTokenCache cache) {
            Algorithm real = signer("ES256", ec);
            Algorithm counting = new Algorithm("ES256", "counting") {
                @Override
                public void verify(DecodedJWT jwt) throws SignatureVerificationException {
                    checks.incrementAndGet();
                    duringCheck.run();
                    real.verify(jwt);
                }

                @Override
                public byte[] sign(byte[] contentBytes) {
                    throw new UnsupportedOperationException();
                }
            };
            VerificationKey key = VerificationKey.publicKey(null, ec.getPublic(), JwsAlgorithms.ALL);
            VerificationKey spy = spyOf(key, counting);
            return new JwtVerifier(VerifierSettings.builder().clock(clock).build(),
                    new StaticKeySource("pem", "test", new KeySet(List.of(spy))), cache);
        }
    }

    private static VerificationKey spyOf(VerificationKey key, Algorithm algorithm) {
        return VerificationKey.withAlgorithmsForTest(key, java.util.Map.of("ES256", algorithm));
    }

    private String es256(String payload) {
        return sign(signer("ES256", ec), header("ES256"), payload);
    }

    private static VerifiedTokenCache cache() {
        return new VerifiedTokenCache(VerifiedTokenCache.DEFAULT_MAX_ENTRIES, VerifiedTokenCache.DEFAULT_MAX_CHARS);
    }

    @Test
    void cacheHitSkipsTheSignatureCheck() throws Exception {
        CountingKeys keys = new CountingKeys();
        JwtVerifier verifier = keys.verifier(cache());
        String token = es256(claims(""));
        VerifiedToken first = verifier.verify(token);
        VerifiedToken second = verifier.verify(token);
        assertSame(first, second);
        assertEquals(1, keys.checks.get());
    }

    @Test
    void cachedTokenIsRejectedOnceItExpires() throws Exception {
        JwtVerifier verifier = new CountingKeys().verifier(cache());
        String token = es256(claims(""));
        verifier.verify(token);
        clock.advance(Duration.ofSeconds(3600 + 29));
        verifier.verify(token);
        clock.advance(Duration.ofMillis(999));
        verifier.verify(token);
        assertTrue(verifier.verifyRemembered(token) != null, "still valid 1 ms before exp plus the 30 s skew");
        clock.advance(Duration.ofMillis(1));
        assertRejected(RejectReason.EXPIRED, verifier, token);
    }

    @Test
    void cachedTokenIsRejectedWhenTheClockMovesBeforeItsNotBefore() throws Exception {
        JwtVerifier verifier = new CountingKeys().verifier(cache());
        String token = es256(claims("\"nbf\":" + NOW.getEpochSecond()));
        verifier.verify(token);
        clock.set(NOW.minusSeconds(30));
        verifier.verify(token);
        assertSame(verifier.verify(token), verifier.verifyRemembered(token), "accepted at nbf minus the 30 s skew");
        clock.set(NOW.minusSeconds(30).minusMillis(1));
        assertRejected(RejectReason.NOT_YET_VALID, verifier, token);
        clock.set(NOW.minusSeconds(60));
        assertRejected(RejectReason.NOT_YET_VALID, verifier, token);
    }

    @Test
    void aTokenIsRememberedOnlyOnceVerifiedAndOnlyAsTheExactString() throws Exception {
        JwtVerifier verifier = new CountingKeys().verifier(cache());
        String token = es256(claims(""));
        assertNull(verifier.verifyRemembered(token), "not verified yet");
        VerifiedToken verified = verifier.verify(token);
        assertSame(verified, verifier.verifyRemembered(token));
        assertSame(verified, verifier.verifyRemembered(new String(token.toCharArray())), "an equal string read from another header");
        assertNull(verifier.verifyRemembered(token + "x"));
        assertNull(verifier.verifyRemembered(token.substring(0, token.length() - 1)));
        clock.advance(Duration.ofSeconds(3600 + 30));
        assertRejected(RejectReason.EXPIRED, verifier, token);
        assertNull(verifier.verifyRemembered(token), "forgotten once expired");
    }

    @Test
    void aVerificationIsStillRememberedExactlyWhileALookupOfItsTokenWouldAcceptIt() throws Exception {
        JwtVerifier verifier = new CountingKeys().verifier(cache());
        String token = es256(claims("\"nbf\":" + NOW.getEpochSecond()));
        VerifiedToken verified = verifier.verify(token);
        assertTrue(verifier.stillRemembered(verified));
        clock.set(NOW.minusSeconds(30));
        assertTrue(verifier.stillRemembered(verified), "nbf minus the 30 s skew");
        assertSame(verified, verifier.verifyRemembered(token));
        clock.set(NOW.minusSeconds(30).minusMillis(1));
        assertFalse(verifier.stillRemembered(verified));
        assertRejected(RejectReason.NOT_YET_VALID, verifier, token);
        clock.set(NOW.plusSeconds(3600 + 29).plusMillis(999));
        assertTrue(verifier.stillRemembered(verified), "1 ms before exp plus the skew");
        assertSame(verified, verifier.verifyRemembered(token));
        clock.advance(Duration.ofMillis(1));
        assertFalse(verifier.stillRemembered(verified));
        assertRejected(RejectReason.EXPIRED, verifier, token);
        clock.set(NOW);
        assertFalse(verifier.stillRemembered(verified), "dropped from the cache when it was refused as expired");
    }

    @Test
    void aVerificationIsNoLongerRememberedOnceTheCacheLetsItGo() throws Exception {
        VerifiedTokenCache cache = cache();
        JwtVerifier verifier = new CountingKeys().verifier(cache);
        String token = es256(claims(""));
        VerifiedToken verified = verifier.verify(token);
        cache.clear(); // what a key removed from the key source does
        assertFalse(verifier.stillRemembered(verified));
        VerifiedToken again = verifier.verify(token);
        assertNotSame(verified, again);
        assertTrue(verifier.stillRemembered(again));
        assertFalse(verifier.stillRemembered(verified), "only the verification the cache holds");

        VerifiedTokenCache small = new VerifiedTokenCache(10, VerifiedTokenCache.DEFAULT_MAX_CHARS);
        JwtVerifier bounded = new CountingKeys().verifier(small);
        List<String> tokens = new java.util.ArrayList<>();
        List<VerifiedToken> verifications = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            tokens.add(es256(claims("\"n\":" + i)));
            verifications.add(bounded.verify(tokens.get(i)));
        }
        int remembered = 0;
        for (int i = 0; i < tokens.size(); i++) {
            boolean inCache = bounded.verifyRemembered(tokens.get(i)) == verifications.get(i);
            assertEquals(inCache, bounded.stillRemembered(verifications.get(i)), "token " + i);
            remembered += inCache ? 1 : 0;
        }
        assertEquals(small.size(), remembered, "evicted or never cached: not remembered");
        assertTrue(remembered > 0 && remembered < 40, "remembered " + remembered);

        JwtVerifier uncached = new CountingKeys().verifier(null);
        assertFalse(uncached.stillRemembered(uncached.verify(token)), "a verifier without a cache remembers nothing");
        JwtVerifier other = new CountingKeys().verifier(cache());
        assertFalse(other.stillRemembered(again), "another verifier's cache holds it, not this one's");
        assertTrue(verifier.stillRemembered(again));
    }

    @Test
    void aTokenCheckedWhileKeysAreRemovedIsNotCached() throws Exception {
        CountingKeys keys = new CountingKeys();
        VerifiedTokenCache cache = cache();
        JwtVerifier verifier = keys.verifier(cache);
        String token = es256(claims(""));
        // The key source publishes its new keys and clears the cache while this token is being checked with the old ones.
        keys.duringCheck = cache::clear;
        VerifiedToken checkedMeanwhile = verifier.verify(token);
        assertNull(verifier.verifyRemembered(token), "not cached after the clear");
        assertFalse(verifier.stillRemembered(checkedMeanwhile));
        assertEquals(0, cache.size());
        keys.duringCheck = () -> { };
        VerifiedToken later = verifier.verify(token);
        assertSame(later, verifier.verifyRemembered(token), "a check begun after the clear is cached");
        assertTrue(verifier.stillRemembered(later));
        assertEquals(2, keys.checks.get());
    }

    @Test
    void failedTokensAreNotCached() throws Exception {
        CountingKeys keys = new CountingKeys();
        VerifiedTokenCache cache = cache();
        JwtVerifier verifier = keys.verifier(cache);
        String token = es256(claims(""));
        String forged = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertRejected(RejectReason.BAD_SIGNATURE, verifier, forged);
        assertRejected(RejectReason.BAD_SIGNATURE, verifier, forged);
        assertEquals(2, keys.checks.get());
        assertEquals(0, cache.size());
    }

    @Test
    void cacheIsBoundedInEntries() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(100, VerifiedTokenCache.DEFAULT_MAX_CHARS);
        JwtVerifier verifier = new CountingKeys().verifier(cache);
        for (int i = 0; i < 1000; i++) {
            verifier.verify(es256(claims("\"n\":" + i)));
            assertTrue(cache.size() <= 100, "size " + cache.size());
        }
    }

    @Test
    void cacheIsBoundedInCharacters() throws Exception {
        String sample = es256(claims("\"n\":0"));
        VerifiedTokenCache cache = new VerifiedTokenCache(10_000, sample.length() * 10L);
        JwtVerifier verifier = new CountingKeys().verifier(cache);
        for (int i = 0; i < 100; i++) {
            verifier.verify(es256(claims("\"n\":" + (i % 10))));
            assertTrue(cache.size() <= 10, "size " + cache.size());
        }
    }

    @Test
    void expiredEntriesAreDroppedWhenTheCacheFills() throws Exception {
        VerifiedTokenCache cache = new VerifiedTokenCache(10, VerifiedTokenCache.DEFAULT_MAX_CHARS);
        JwtVerifier verifier = new CountingKeys().verifier(cache);
        for (int i = 0; i < 9; i++) {
            verifier.verify(es256("{\"exp\":" + NOW.plusSeconds(10).getEpochSecond() + ",\"n\":" + i + "}"));
        }
        clock.advance(Duration.ofMinutes(5));
        verifier.verify(es256(claims("\"n\":\"x\"")));
        verifier.verify(es256(claims("\"n\":\"y\"")));
        assertEquals(2, cache.size());
    }

    @Test
    void cacheHitIsFast() throws Exception {
        JwtVerifier verifier = new CountingKeys().verifier(cache());
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            big.append("\"claim").append(i).append("\":\"value-value-value-").append(i).append("\",");
        }
        String token = es256(claims(big.substring(0, big.length() - 1)));
        String copy = new String(token.toCharArray());
        verifier.verify(token);
        int rounds = 200_000;
        long best = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 5; attempt++) {
            long start = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                verifier.verify(new String(copy));
            }
            best = Math.min(best, (System.nanoTime() - start) / rounds);
        }
        System.out.println("verified-token cache hit: " + best + " ns (" + token.length() + "-char token, including the copy)");
        // The target is well under 2 microseconds; typically about 0.2 including the string copy.
        assertTrue(best < 2_000, "cache hit took " + best + " ns for a " + token.length() + "-char token");
    }
}
