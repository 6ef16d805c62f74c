package dev.jwtagent.inbound;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code inbound.exclude-paths}: globs over the request path as the container routes it
 * (decoded and normalised). {@code *} matches within one segment; {@code **} as a whole segment
 * matches zero or more segments, and within a segment ({@code /**.html}, {@code /v**}) it is a
 * {@code *}, as in Ant and Spring patterns.
 */
public final class PathPatterns {
    private final List<Pattern> patterns;
    private final List<String> texts;

    private PathPatterns(List<Pattern> patterns, List<String> texts) {
        this.patterns = patterns;
        this.texts = texts;
    }

    /** @throws IllegalArgumentException naming the pattern that is wrong */
    public static PathPatterns parse(List<String> globs) {
        List<Pattern> patterns = new ArrayList<>();
        for (String glob : globs) {
            if (!glob.startsWith("/")) {
                throw new IllegalArgumentException("'" + glob + "' must start with '/'");
            }
            patterns.add(Pattern.compile(toRegex(glob)));
        }
        return new PathPatterns(patterns, Collections.unmodifiableList(new ArrayList<>(globs)));
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    public boolean matches(String path) {
        if (path == null || !isNormalForm(path)) {
            return false;
        }
        for (Pattern pattern : patterns) {
            if (pattern.matcher(path).matches()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code path} names its place plainly: no {@code .} or {@code ..} segment, no empty segment
     * ({@code //}; a trailing {@code /} aside), no {@code ;}, {@code \} or {@code %}. Undertow routes a request
     * as sent, so {@code /public/../orders} reaches the servlet of {@code /public/*} with {@code ..} in its
     * path info, where {@code /public/**} would cover it; what routes on it next (an application that
     * normalises the path, a proxy servlet, the service it forwards to) may read it as {@code /orders}.
     * No glob covers such a path: the request is decided by its token.
     */
    static boolean isNormalForm(String path) {
        int n = path.length();
        int segmentStart = 0;
        for (int i = 0; i <= n; i++) {
            char c = i < n ? path.charAt(i) : '/';
            if (c == ';' || c == '\\' || c == '%') {
                return false;
            }
            if (c == '/') {
                int length = i - segmentStart;
                boolean dots = (length == 1 && path.charAt(segmentStart) == '.')
                        || (length == 2 && path.charAt(segmentStart) == '.' && path.charAt(segmentStart + 1) == '.');
                boolean empty = length == 0 && i > 0 && i < n;
                if (dots || empty) {
                    return false;
                }
                segmentStart = i + 1;
            }
        }
        return true;
    }

    /** The first glob that covers every path (such as {@code /**}), or null. */
    public String patternCoveringEveryPath() {
        for (int i = 0; i < patterns.size(); i++) {
            Pattern pattern = patterns.get(i);
            boolean coversAll = true;
            for (String path : ANY_PATHS) {
                coversAll &= pattern.matcher(path).matches();
            }
            if (coversAll) {
                return texts.get(i);
            }
        }
        return null;
    }

    /** Paths of every shape a glob could leave out: the root, one segment, several, a dot, a trailing slash. */
    private static final String[] ANY_PATHS = {"/", "/a", "/a/b.c/d", "/a/", "/.well-known/x"};

    public List<String> globs() {
        return texts;
    }

    private static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                boolean doubleStar = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
                if (doubleStar) {
                    i++;
                    // "/actuator/**" also covers "/actuator" itself.
                    boolean wholeSegment = regex.length() > 0 && regex.charAt(regex.length() - 1) == '/'
                            && (i + 1 == glob.length() || glob.charAt(i + 1) == '/');
                    if (wholeSegment) {
                        // "/a/**/b" also covers "/a/b", as Ant and Spring patterns do: zero or more segments.
                        regex.setLength(regex.length() - 1);
                        regex.append("(/.*)?");
                    } else {
                        // Not a whole segment: as in Ant and Spring, one segment only. Across segments,
                        // "/**.html" would also cover "/orders/1.html", a path an application may route
                        // to a handler of its own (Spring's "/orders/{id}").
                        regex.append("[^/]*");
                    }
                } else {
                    regex.append("[^/]*");
                }
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                if (Character.isLetterOrDigit(c) || c == '/') {
                    regex.append(c);
                } else {
                    regex.append('\\').append(c);
                }
            }
        }
        return regex.toString();
    }
}
