package dev.jwtagent.instrument;

/**
 * Classes never instrumented, decided by name alone: the agent's own (and the libraries it carries),
 * and every JDK package but the few whose classes the agent rewrites. Answers for binary names
 * ({@code java.lang.Thread}) and for the internal names the transformer is handed
 * ({@code java/lang/Thread}), so that most classes are passed over before any string is made.
 */
final class Ignored {
    /**
     * Each row: a prefix, then the prefixes under it that are looked at after all. Most classes a
     * JVM loads are the JDK's, so its rows come first.
     */
    private static final String[][] RULES = {
            {"java.", "java.util.concurrent.", "java.lang.Thread", "java.lang.VirtualThread"},
            {"jdk.", "jdk.internal.net.http."},
            {"sun.", "sun.net.www.protocol.http.", "sun.net.www.http.HttpClient"},
            {"javax.", "javax.servlet."},
            {"com.sun."},
            {"dev.jwtagent."},
            {"net.bytebuddy."},
    };

    private final String[][] dotted = RULES;
    private final String[][] slashed = slashed(RULES);

    /** For a binary name, such as {@code java.lang.Thread}. */
    boolean name(String binaryName) {
        return ignores(binaryName, dotted);
    }

    /** For an internal name, such as {@code java/lang/Thread}. */
    boolean internalName(String internalName) {
        return ignores(internalName, slashed);
    }

    private static boolean ignores(String name, String[][] rules) {
        for (String[] rule : rules) {
            if (name.startsWith(rule[0])) {
                for (int i = 1; i < rule.length; i++) {
                    if (name.startsWith(rule[i])) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    private static String[][] slashed(String[][] rules) {
        String[][] result = new String[rules.length][];
        for (int r = 0; r < rules.length; r++) {
            result[r] = new String[rules[r].length];
            for (int i = 0; i < rules[r].length; i++) {
                result[r][i] = rules[r][i].replace('.', '/');
            }
        }
        return result;
    }
}
