package dev.jwtagent.verify;

/** A snapshot of key fetch counters. Static key sources report zeros. */
public final class KeyStats {
    private final long keyFetches;
    private final long keyFetchFailures;

    public KeyStats(long keyFetches, long keyFetchFailures) {
        this.keyFetches = keyFetches;
        this.keyFetchFailures = keyFetchFailures;
    }

    /** Key document fetch attempts (JWKS, and discovery documents). */
    public long keyFetches() {
        return keyFetches;
    }

    /** Fetch attempts that failed (network, HTTP status, size cap, unparseable document). */
    public long keyFetchFailures() {
        return keyFetchFailures;
    }

    @Override
    public String toString() {
        return "KeyStats{keyFetches=" + keyFetches + ", keyFetchFailures=" + keyFetchFailures + "}";
    }
}
