package dev.jwtagent.inbound;

import dev.jwtagent.verify.TokenVerifier;

/**
 * Reads the token out of one header value. For {@code Authorization}: the {@code Bearer}
 * scheme, case-insensitive, then one or more spaces and a b64token (RFC 6750 section 2.1).
 * For any other configured header: the bare token, optionally with the same prefix.
 */
final class BearerHeader {
    /** RFC 6750 b64token characters; a table because every character of a token not seen before is checked. */
    private static final boolean[] TOKEN_CHARS = new boolean[128];

    static {
        for (char c = 'A'; c <= 'Z'; c++) {
            TOKEN_CHARS[c] = true;
            TOKEN_CHARS[Character.toLowerCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            TOKEN_CHARS[c] = true;
        }
        for (char c : "-._~+/".toCharArray()) {
            TOKEN_CHARS[c] = true;
        }
    }

    /** What a header value turned out to hold. */
    enum Kind { TOKEN, OTHER_SCHEME, MALFORMED }

    final Kind kind;
    final String token;

    private BearerHeader(Kind kind, String token) {
        this.kind = kind;
        this.token = token;
    }

    /**
     * @param verifier asked whether a token passed verification before: such a token was read by
     *                 this same check then, so its characters are not checked again on every request
     */
    static BearerHeader parse(String value, boolean authorizationHeader, TokenVerifier verifier) {
        if (value == null) {
            return new BearerHeader(Kind.MALFORMED, null);
        }
        String trimmed = value.trim();
        int n = trimmed.length();
        if (trimmed.regionMatches(true, 0, "bearer", 0, 6)) {
            if (n == 6) {
                return new BearerHeader(Kind.MALFORMED, null);
            }
            char separator = trimmed.charAt(6);
            if (separator == ' ' || separator == '\t') {
                // The Bearer scheme: exactly one b64token after one or more spaces, else malformed.
                int i = 6;
                while (i < n && trimmed.charAt(i) == ' ') {
                    i++;
                }
                int start = i;
                if (separator == ' ' && start < n) {
                    String candidate = trimmed.substring(start);
                    if (verifier.verifiedBefore(candidate) || b64TokenEnd(trimmed, start) == n) {
                        return new BearerHeader(Kind.TOKEN, candidate);
                    }
                }
                return new BearerHeader(Kind.MALFORMED, null);
            }
        }
        if (authorizationHeader) {
            // Basic, Digest and the like belong to the application.
            return new BearerHeader(Kind.OTHER_SCHEME, null);
        }
        if (n > 0 && (verifier.verifiedBefore(trimmed) || b64TokenEnd(trimmed, 0) == n)) {
            return new BearerHeader(Kind.TOKEN, trimmed);
        }
        return new BearerHeader(Kind.MALFORMED, null);
    }

    /** Where a b64token starting at {@code start} ends (RFC 6750: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="); {@code start} if none. */
    private static int b64TokenEnd(String s, int start) {
        int i = start;
        int n = s.length();
        while (i < n && isTokenChar(s.charAt(i))) {
            i++;
        }
        if (i == start) {
            return start;
        }
        while (i < n && s.charAt(i) == '=') {
            i++;
        }
        return i;
    }

    private static boolean isTokenChar(char c) {
        return c < 128 && TOKEN_CHARS[c];
    }
}
