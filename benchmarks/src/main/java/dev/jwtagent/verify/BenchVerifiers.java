package dev.jwtagent.verify;

/**
 * Benchmark-only access to the verification pipeline without its verified-token cache, so that
 * every call is a full verification. Lives in the agent's package (same class loader, same
 * runtime package) instead of adding a hook to the agent itself.
 */
public final class BenchVerifiers {
    private BenchVerifiers() {
    }

    public static KeyedVerifier withoutCache(VerifierSettings settings) {
        return new JwtVerifier(settings, TokenVerifiers.keySource(settings), null);
    }
}
