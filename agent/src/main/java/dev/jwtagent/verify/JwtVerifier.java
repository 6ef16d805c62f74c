package dev.jwtagent.verify;

import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import dev.jwtagent.log.AgentLog;
import org.slf4j.Logger;

import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The verification pipeline: size, strict decoding, header rules, key selection and signature
 * (java-jwt algorithms), then our claim rules. Every failure is a {@link TokenRejectedException}.
 */
final class JwtVerifier implements KeyedVerifier {
    private static final Logger LOG = AgentLog.logger("verify");
    /** NumericDate values beyond this many seconds (about 3 million years) are clamped. */
    private static final long MAX_SECONDS = 100_000_000_000_000L;

    private final KeySource source;
    private final Set<String> issuers;
    private final Set<String> audiences;
    private final List<String> requiredClaims;
    private final int maxTokenSize;
    private final Duration skew;
    private final long skewMillis;
    private final Clock clock;
    private final Set<String> algorithms;
    private final VerifiedTokenCache cache;
    private final AtomicBoolean internalErrorLogged = new AtomicBoolean();

    JwtVerifier(VerifierSettings settings, KeySource source, VerifiedTokenCache cache) {
        this.source = source;
        this.issuers = new HashSet<>(settings.issuers());
        this.audiences = new HashSet<>(settings.audiences());
        this.requiredClaims = settings.requiredClaims();
        this.maxTokenSize = settings.maxTokenSize();
        this.skew = settings.clockSkew();
        this.skewMillis = skew.toMillis();
        this.clock = settings.clock();
        this.algorithms = source.algorithms();
        this.cache = cache;
        if (cache != null) {
            source.onKeysRemoved(new ClearCache(cache));
        }
    }

    @Override
    public VerifiedToken verify(String token) throws TokenRejectedException {
        try {
            return doVerify(token);
        } catch (TokenRejectedException e) {
            throw e;
        } catch (RuntimeException e) {
            if (internalErrorLogged.compareAndSet(false, true)) {
                // A library's message may quote what it was given: never the token itself.
                LOG.error("internal error while verifying a token (logged once)", AgentLog.withoutSecrets(e, token));
            }
            throw new TokenRejectedException(RejectReason.INTERNAL_ERROR);
        }
    }

    /**
     * Test hook for the signature layer alone: decoding, header rules, key binding and the
     * signature, without claim rules and with any payload bytes. Meant for fixed key sources.
     */
    void verifySignatureOnly(String token) throws TokenRejectedException {
        try {
            checkSize(token);
            ParsedToken parsed = ParsedToken.parse(token, false);
            checkSignature(parsed, source.providerFor(null));
        } catch (TokenRejectedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TokenRejectedException(RejectReason.INTERNAL_ERROR);
        }
    }

    @Override
    public VerifiedToken verifyRemembered(String token) throws TokenRejectedException {
        try {
            return remembered(token);
        } catch (RuntimeException e) {
            if (internalErrorLogged.compareAndSet(false, true)) {
                // A library's message may quote what it was given: never the token itself.
                LOG.error("internal error while verifying a token (logged once)", AgentLog.withoutSecrets(e, token));
            }
            throw new TokenRejectedException(RejectReason.INTERNAL_ERROR);
        }
    }

    @Override
    public boolean stillRemembered(VerifiedToken verified) {
        if (!verified.isHeldBy(cache)) {
            // Not in this verifier's cache (dropped, never cached, or another verifier's).
            return false;
        }
        // The checks of checkStillValid, on the same instants: the cache entry's end is expiry plus skew.
        long now = clock.millis();
        if (now >= verified.expiresAt().toEpochMilli() + skewMillis) {
            return false;
        }
        Instant nbf = verified.notBefore();
        return nbf == null || now + skewMillis >= nbf.toEpochMilli();
    }

    private VerifiedToken remembered(String token) throws TokenRejectedException {
        VerifiedTokenCache.Entry hit = cache == null || token == null ? null : cache.get(token);
        if (hit == null) {
            return null;
        }
        checkStillValid(hit);
        return hit.token;
    }

    private VerifiedToken doVerify(String token) throws TokenRejectedException {
        checkSize(token);
        VerifiedToken seenBefore = remembered(token);
        if (seenBefore != null) {
            return seenBefore;
        }
        // Read before the keys are: a key removed while this token is checked keeps it out of the cache.
        int cacheGeneration = cache == null ? 0 : cache.generation();
        ParsedToken parsed = ParsedToken.parse(token, true);
        Map<String, Object> claims = parsed.claimsMap();
        KeySource.KeyProvider provider;
        if (source.selectsByIssuer()) {
            Object iss = claims.get("iss");
            provider = iss instanceof String ? source.providerFor((String) iss) : null;
            if (provider == null) {
                throw new TokenRejectedException(RejectReason.WRONG_ISSUER);
            }
        } else {
            provider = source.providerFor(null);
        }
        checkSignature(parsed, provider);
        Instant now = clock.instant();
        VerifiedToken verified = checkClaims(token, claims, now);
        if (cache != null) {
            cache.put(verified, verified.expiresAt().plus(skew), now, cacheGeneration);
        }
        return verified;
    }

    private void checkSize(String token) throws TokenRejectedException {
        if (token == null || token.isEmpty()) {
            throw Jose.malformed();
        }
        if (token.length() > maxTokenSize) {
            throw new TokenRejectedException(RejectReason.TOO_LARGE);
        }
    }

    /** Milliseconds, not instants: this runs on every request with a repeated token. */
    private void checkStillValid(VerifiedTokenCache.Entry hit) throws TokenRejectedException {
        long now = clock.millis();
        if (now >= hit.deadAfterMillis) {
            cache.remove(hit.token.token());
            throw new TokenRejectedException(RejectReason.EXPIRED);
        }
        Instant nbf = hit.token.notBefore();
        if (nbf != null && now + skewMillis < nbf.toEpochMilli()) {
            throw new TokenRejectedException(RejectReason.NOT_YET_VALID);
        }
    }

    private void checkSignature(ParsedToken token, KeySource.KeyProvider provider) throws TokenRejectedException {
        String alg = token.getAlgorithm();
        if ("none".equalsIgnoreCase(alg) || !algorithms.contains(alg)) {
            throw new TokenRejectedException(RejectReason.ALGORITHM_NOT_ALLOWED);
        }
        if (token.headerMap().containsKey("crit")) {
            throw new TokenRejectedException(RejectReason.UNSUPPORTED_CRIT);
        }
        String kid = token.getKeyId();
        KeySet keys = provider.current();
        List<VerificationKey> candidates = keys.candidates(kid, alg);
        if (candidates.isEmpty()) {
            // Also for a kid the set names for other algorithms only: the provider may have replaced its
            // key with one of another type or alg (a rotation), as for a kid whose key no longer verifies.
            keys = provider.refetchForUnknownKey(keys);
            candidates = keys.candidates(kid, alg);
            if (candidates.isEmpty()) {
                throw new TokenRejectedException(kid != null && keys.hasKid(kid)
                        ? RejectReason.ALGORITHM_NOT_ALLOWED : RejectReason.UNKNOWN_KEY);
            }
        }
        if (verifiesWithAny(token, alg, candidates)) {
            return;
        }
        // No key of the set verifies it: the token may be signed with a key published since the last
        // fetch (a rotation), also when it names no kid, or a kid the set names whose key the provider
        // has since replaced. Look for it (one refetch per interval, shared, as for an unknown kid)
        // rather than refusing the new key's tokens until the next refresh.
        KeySet newer = provider.refetchForUnknownKey(keys);
        if (newer != keys && verifiesWithAny(token, alg, newer.candidates(kid, alg))) {
            return;
        }
        throw new TokenRejectedException(RejectReason.BAD_SIGNATURE);
    }

    private static boolean verifiesWithAny(ParsedToken token, String alg, List<VerificationKey> candidates) {
        for (VerificationKey key : candidates) {
            Algorithm algorithm = key.algorithm(alg);
            try {
                algorithm.verify(token);
                return true;
            } catch (JWTVerificationException e) {
                // wrong key or bad signature: try the next candidate
            } catch (RuntimeException e) {
                // java-jwt throws unchecked exceptions on some malformed signatures
            }
        }
        return false;
    }

    private VerifiedToken checkClaims(String token, Map<String, Object> claims, Instant now)
            throws TokenRejectedException {
        Object expValue = claims.get("exp");
        if (expValue == null) {
            throw new TokenRejectedException(RejectReason.MISSING_EXP);
        }
        Instant exp = numericDate(expValue, false);
        if (!now.isBefore(exp.plus(skew))) {
            throw new TokenRejectedException(RejectReason.EXPIRED);
        }
        Instant nbf = null;
        if (claims.containsKey("nbf")) {
            nbf = numericDate(claims.get("nbf"), true);
            if (now.plus(skew).isBefore(nbf)) {
                throw new TokenRejectedException(RejectReason.NOT_YET_VALID);
            }
        }
        if (claims.containsKey("iat")) {
            Instant iat = numericDate(claims.get("iat"), true);
            if (iat.isAfter(now.plus(skew))) {
                throw new TokenRejectedException(RejectReason.ISSUED_IN_FUTURE);
            }
        }
        Object iss = claims.get("iss");
        if (!issuers.isEmpty()) {
            if (!(iss instanceof String) || !issuers.contains(iss)) {
                throw new TokenRejectedException(RejectReason.WRONG_ISSUER);
            }
        } else if (iss != null && !(iss instanceof String)) {
            throw Jose.malformed();
        }
        if (!audiences.isEmpty() && !audienceMatches(claims.get("aud"))) {
            throw new TokenRejectedException(RejectReason.WRONG_AUDIENCE);
        }
        Object sub = claims.get("sub");
        if (sub != null && !(sub instanceof String)) {
            throw Jose.malformed();
        }
        for (String name : requiredClaims) {
            if (claims.get(name) == null) {
                throw new TokenRejectedException(RejectReason.MISSING_CLAIM);
            }
        }
        return new VerifiedToken(token, (String) sub, (String) iss, exp, nbf, claims, source.kind());
    }

    private boolean audienceMatches(Object aud) {
        if (aud instanceof String) {
            return audiences.contains(aud);
        }
        if (aud instanceof List) {
            for (Object item : (List<?>) aud) {
                if (!(item instanceof String)) {
                    return false;
                }
            }
            for (Object item : (List<?>) aud) {
                if (audiences.contains(item)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A NumericDate must be a JSON number. A fraction is rounded to the whole second on the strict
     * side: toward the past for {@code exp} ({@code later} false), toward the future for {@code nbf}
     * and {@code iat} ({@code later} true), so that no token is accepted before or after its time.
     */
    private static Instant numericDate(Object value, boolean later) throws TokenRejectedException {
        long seconds;
        if (value instanceof Long) {
            seconds = (Long) value;
        } else if (value instanceof BigInteger) {
            seconds = ((BigInteger) value).signum() > 0 ? MAX_SECONDS : -MAX_SECONDS;
        } else if (value instanceof Double) {
            double d = later ? Math.ceil((Double) value) : Math.floor((Double) value);
            seconds = d >= MAX_SECONDS ? MAX_SECONDS : d <= -MAX_SECONDS ? -MAX_SECONDS : (long) d;
        } else {
            throw Jose.malformed();
        }
        return Instant.ofEpochSecond(Math.max(-MAX_SECONDS, Math.min(MAX_SECONDS, seconds)));
    }

    @Override
    public String keySourceDescription() {
        return source.description();
    }

    @Override
    public KeyStats stats() {
        return source.stats();
    }

    @Override
    public void close() {
        source.close();
    }

    @Override
    public String toString() {
        return "JwtVerifier{" + source.description() + "}";
    }

    /** Forgets the verified tokens when a key they were checked with is gone. */
    private static final class ClearCache implements Runnable {
        private final VerifiedTokenCache cache;

        ClearCache(VerifiedTokenCache cache) {
            this.cache = cache;
        }

        @Override
        public void run() {
            cache.clear();
        }
    }
}
