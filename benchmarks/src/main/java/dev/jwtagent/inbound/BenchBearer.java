package dev.jwtagent.inbound;

/**
 * Benchmark-only access to the header parsing step of the inbound decision, so that its share of
 * {@code InboundPolicy.decide} can be measured apart. Lives in the agent's package instead of adding
 * a hook to the agent itself.
 */
public final class BenchBearer {
    private BenchBearer() {
    }

    /** Where the token of an {@code Authorization} header value is (a repeated token needs no more), or null. */
    public static String token(String headerValue) {
        return BearerHeader.parse(headerValue, true).token;
    }

    /** The token of an {@code Authorization} header value checked character by character (a token not seen before), or null. */
    public static String checkedToken(String headerValue) {
        String token = token(headerValue);
        return token != null && BearerHeader.isB64Token(token) ? token : null;
    }
}
