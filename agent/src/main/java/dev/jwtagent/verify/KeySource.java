package dev.jwtagent.verify;

import java.util.Set;

/** Where keys come from: a fixed set (secret, PEM) or remote documents (JWKS URL, OIDC discovery). */
interface KeySource extends AutoCloseable {
    /** Short kind for {@link VerifiedToken#keySourceDescription()}: secret, pem, jwks or oidc. */
    String kind();

    /** For the startup line; never a secret. */
    String description();

    /** The algorithms a token may name at all with this source. */
    Set<String> algorithms();

    /** Whether keys are chosen by the token's (not yet verified) {@code iss}. */
    boolean selectsByIssuer();

    /**
     * The keys for tokens from {@code issuer}; {@code issuer} is ignored unless
     * {@link #selectsByIssuer()}. Null when that issuer has no keys here.
     */
    KeyProvider providerFor(String issuer);

    KeyStats stats();

    /** Adds a listener told when keys were removed, so verdicts cached under them can be dropped. */
    default void onKeysRemoved(Runnable listener) {
    }

    @Override
    void close();

    /** The current keys of one source. */
    interface KeyProvider {
        KeySet current();

        /**
         * Called when no key matched the token. A remote provider may refetch (at most once per
         * minimum refetch interval) and returns the keys afterwards; a fixed one returns {@code seen}.
         */
        KeySet refetchForUnknownKey(KeySet seen);
    }
}
