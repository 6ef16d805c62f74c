package dev.jwtagent.inbound;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the token out of one header value. For {@code Authorization}: the {@code Bearer}
 * scheme, case-insensitive, then one or more spaces and a b64token (RFC 6750 section 2.1).
 * For any other configured header: the bare token, optionally with the same prefix.
 */
final class BearerHeader {
    /** What a header value turned out to hold. */
    enum Kind { TOKEN, OTHER_SCHEME, MALFORMED }

    private static final Pattern BEARER = Pattern.compile("(?i:bearer)(?: +([A-Za-z0-9\\-._~+/]+=*))?\\s*");
    private static final Pattern SCHEME = Pattern.compile("(?i:bearer)(?:[ \\t].*)?", Pattern.DOTALL);
    private static final Pattern BARE_TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

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
        String trimmed = value.trim();
        Matcher bearer = BEARER.matcher(trimmed);
        if (bearer.matches()) {
            return bearer.group(1) == null ? new BearerHeader(Kind.MALFORMED, null) : new BearerHeader(Kind.TOKEN, bearer.group(1));
        }
        if (SCHEME.matcher(trimmed).matches()) {
            // The Bearer scheme with something other than one b64token after it (a tab, two tokens, a comma).
            return new BearerHeader(Kind.MALFORMED, null);
        }
        if (authorizationHeader) {
            // Basic, Digest and the like belong to the application.
            return new BearerHeader(Kind.OTHER_SCHEME, null);
        }
        return BARE_TOKEN.matcher(trimmed).matches() ? new BearerHeader(Kind.TOKEN, trimmed) : new BearerHeader(Kind.MALFORMED, null);
    }
}
