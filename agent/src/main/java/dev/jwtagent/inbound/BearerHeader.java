package dev.jwtagent.inbound;

/**
 * Reads the token out of one header value. For {@code Authorization}: the {@code Bearer}
 * scheme, case-insensitive, then one or more spaces and a b64token (RFC 6750 section 2.1).
 * For any other configured header: the bare token, optionally with the same prefix.
 *
 * <p>{@link #parse} finds the token's place only; whether it is one b64token is a separate
 * question ({@link #isB64Token}), asked only of a token the verifier does not remember: a string
 * it remembers passed this check when it was first verified.
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

    /** What a header value turned out to hold: {@code TOKEN} is a candidate, see {@link #isB64Token}. */
    enum Kind { TOKEN, OTHER_SCHEME, MALFORMED }

    final Kind kind;
    final String token;

    private BearerHeader(Kind kind, String token) {
        this.kind = kind;
        this.token = token;
    }

    static BearerHeader parse(String value, boolean authorizationHeader) {
        if (value == null) {
            return new BearerHeader(Kind.MALFORMED, null);
        }
        // Only spaces and tabs: String.trim() also dropped the control characters (NUL, VT, FF) that Undertow
        // hands on as sent, and "Bearer <token>" with one of them after it passed as the token alone.
        String trimmed = trimSpacesAndTabs(value);
        int n = trimmed.length();
        if (trimmed.regionMatches(true, 0, "bearer", 0, 6)) {
            if (n == 6) {
                return new BearerHeader(Kind.MALFORMED, null);
            }
            char separator = trimmed.charAt(6);
            if (separator == ' ' || separator == '\t') {
                // The Bearer scheme: what follows one or more spaces, to be exactly one b64token.
                int start = 6;
                while (start < n && trimmed.charAt(start) == ' ') {
                    start++;
                }
                if (separator == ' ' && start < n) {
                    return new BearerHeader(Kind.TOKEN, trimmed.substring(start));
                }
                return new BearerHeader(Kind.MALFORMED, null);
            }
            if (!isSchemeChar(separator)) {
                // "Bearer:", "Bearer,", "Bearer" and a no-break space: no scheme name goes on so
                // (RFC 9110 token characters), nor is this the Bearer scheme's one space.
                return new BearerHeader(Kind.MALFORMED, null);
            }
        }
        if (authorizationHeader) {
            // Basic, Digest and the like belong to the application.
            return new BearerHeader(Kind.OTHER_SCHEME, null);
        }
        return n > 0 ? new BearerHeader(Kind.TOKEN, trimmed) : new BearerHeader(Kind.MALFORMED, null);
    }

    /** The value without the spaces and tabs around it (RFC 9110 OWS), as the containers hand it over. */
    private static String trimSpacesAndTabs(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && (value.charAt(start) == ' ' || value.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (value.charAt(end - 1) == ' ' || value.charAt(end - 1) == '\t')) {
            end--;
        }
        return value.substring(start, end);
    }

    /** RFC 9110 tchar: a character an authentication scheme's name may go on with. */
    private static boolean isSchemeChar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
    }

    /** Whether the whole of {@code candidate} is one b64token. */
    static boolean isB64Token(String candidate) {
        return !candidate.isEmpty() && b64TokenEnd(candidate, 0) == candidate.length();
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
