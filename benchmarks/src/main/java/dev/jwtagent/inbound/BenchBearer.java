package dev.jwtagent.inbound;

import dev.jwtagent.verify.TokenVerifier;

/**
 * Benchmark-only access to the header parsing step of the inbound decision, so that its share of
 * {@code InboundPolicy.decide} can be measured apart. Lives in the agent's package instead of adding
 * a hook to the agent itself.
 */
public final class BenchBearer {
    private BenchBearer() {
    }

    /** The token of an {@code Authorization} header value, or null; {@code verifier} tells a token verified before. */
    public static String token(String headerValue, TokenVerifier verifier) {
        return BearerHeader.parse(headerValue, true, verifier).token;
    }
}
