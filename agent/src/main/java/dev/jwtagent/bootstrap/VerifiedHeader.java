package dev.jwtagent.bootstrap;

import java.nio.charset.StandardCharsets;

/**
 * The token header value of the last request a thread verified, with its bytes and the decision
 * made on it: what {@link ServletHooks} compares the thread's next request with
 * ({@link TomcatHeaders}), and the decision the policy checks and reuses when it is the same.
 * Compared only, never sent or logged.
 */
final class VerifiedHeader {
    final String header;
    final byte[] latin1;
    /** A decision to go on with a token, made on {@link #header}. */
    final InboundDecision decision;

    /**
     * A header that carried a verified token is ASCII (the scheme, spaces and a b64token: the
     * inbound policy accepts nothing else), so its ISO-8859-1 bytes are exactly the bytes a
     * request with the same header holds.
     */
    VerifiedHeader(String header, InboundDecision decision) {
        this.header = header;
        this.latin1 = header.getBytes(StandardCharsets.ISO_8859_1);
        this.decision = decision;
    }

    /** The same header with a newer decision on it (its token verified again). */
    VerifiedHeader withDecision(InboundDecision newer) {
        return new VerifiedHeader(header, latin1, newer);
    }

    private VerifiedHeader(String header, byte[] latin1, InboundDecision decision) {
        this.header = header;
        this.latin1 = latin1;
        this.decision = decision;
    }
}
