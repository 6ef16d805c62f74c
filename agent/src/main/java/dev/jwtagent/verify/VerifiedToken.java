package dev.jwtagent.verify;

import java.time.Instant;
import java.util.Map;

/**
 * A token whose signature and claims were verified. Immutable, but for which verified-token cache,
 * if any, holds it now ({@link #isHeldBy}).
 */
public final class VerifiedToken {
    private final String token;
    private final String subject;
    private final String issuer;
    private final Instant expiresAt;
    private final Instant notBefore;
    private final Map<String, Object> claims;
    private final String keySourceDescription;
    private final String fingerprint;
    /** The cache that holds this verification now, or null (set and cleared by {@code VerifiedTokenCache}). */
    private volatile VerifiedTokenCache heldBy;

    VerifiedToken(String token, String subject, String issuer, Instant expiresAt, Instant notBefore,
                  Map<String, Object> claims, String keySourceDescription) {
        this.token = token;
        this.subject = subject;
        this.issuer = issuer;
        this.expiresAt = expiresAt;
        this.notBefore = notBefore;
        this.claims = claims;
        this.keySourceDescription = keySourceDescription;
        this.fingerprint = Fingerprint.of(token);
    }

    /** The exact token string that was verified. */
    public String token() {
        return token;
    }

    /** The {@code sub} claim, or null. */
    public String subject() {
        return subject;
    }

    /** The {@code iss} claim, or null when no issuer is configured and the token has none. */
    public String issuer() {
        return issuer;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    boolean isHeldBy(VerifiedTokenCache cache) {
        return cache != null && heldBy == cache;
    }

    void heldBy(VerifiedTokenCache cache) {
        heldBy = cache;
    }

    /** The {@code nbf} claim, or null. */
    Instant notBefore() {
        return notBefore;
    }

    /** All payload claims as plain, unmodifiable Java values. */
    public Map<String, Object> claims() {
        return claims;
    }

    /** Which kind of key source verified it: {@code secret}, {@code pem}, {@code jwks} or {@code oidc}. */
    public String keySourceDescription() {
        return keySourceDescription;
    }

    /** The token's fingerprint, see {@link Fingerprint}. */
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "VerifiedToken{" + fingerprint + ", sub=" + subject + ", iss=" + issuer + ", exp=" + expiresAt
                + ", keys=" + keySourceDescription + "}";
    }
}
