package dev.jwtagent.verify;

import java.util.Collections;
import java.util.Set;

/** Keys fixed at startup: the HMAC secret or the keys of a PEM file. */
final class StaticKeySource implements KeySource, KeySource.KeyProvider {
    private final String kind;
    private final String description;
    private final KeySet keys;
    private final Set<String> algorithms;

    StaticKeySource(String kind, String description, KeySet keys) {
        this.kind = kind;
        this.description = description;
        this.keys = keys;
        this.algorithms = Collections.unmodifiableSet(keys.algorithms());
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Set<String> algorithms() {
        return algorithms;
    }

    @Override
    public boolean selectsByIssuer() {
        return false;
    }

    @Override
    public KeyProvider providerFor(String issuer) {
        return this;
    }

    @Override
    public KeySet current() {
        return keys;
    }

    @Override
    public KeySet refetchForUnknownKey(KeySet seen) {
        return keys;
    }

    @Override
    public KeyStats stats() {
        return new KeyStats(0, 0);
    }

    @Override
    public void close() {
    }
}
