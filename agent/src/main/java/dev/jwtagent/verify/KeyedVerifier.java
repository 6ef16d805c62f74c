package dev.jwtagent.verify;

/** A verifier together with the key source it owns. */
public interface KeyedVerifier extends TokenVerifier, AutoCloseable {
    /** For the startup line: names the source, never a secret. */
    String keySourceDescription();

    /** Key fetch counters, for metrics. */
    KeyStats stats();

    /** Stops background key refresh. */
    @Override
    void close();
}
