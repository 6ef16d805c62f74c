package dev.jwtagent.bootstrap;

import java.nio.charset.StandardCharsets;

/**
 * The token header value of the last request a thread verified, with its token and its bytes:
 * what {@link ServletHooks} compares the thread's next request with ({@link TomcatHeaders}).
 * Compared only, never sent or logged.
 */
final class VerifiedHeader {
    final String header;
    final byte[] latin1;
    final String token;

    /**
     * A header that carried a verified token is ASCII (the scheme, spaces and a b64token: the
     * inbound policy accepts nothing else), so its ISO-8859-1 bytes are exactly the bytes a
     * request with the same header holds.
     */
    VerifiedHeader(String header, String token) {
        this.header = header;
        this.latin1 = header.getBytes(StandardCharsets.ISO_8859_1);
        this.token = token;
    }
}
