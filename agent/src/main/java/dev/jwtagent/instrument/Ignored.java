package dev.jwtagent.instrument;

/**
 * Classes never instrumented, decided by name alone: the agent's own (and the libraries it carries),
 * and every JDK package but the few whose classes the agent rewrites.
 */
final class Ignored {
    private static final String[] INSTRUMENTED_JDK_PREFIXES = {
            "sun.net.www.protocol.http.", "jdk.internal.net.http.", "java.util.concurrent.", "java.lang.Thread", "java.lang.VirtualThread"};

    boolean name(String name) {
        return name.startsWith("dev.jwtagent.") || name.startsWith("net.bytebuddy.")
                || isJdk(name) && !isInstrumentedJdk(name);
    }

    private static boolean isJdk(String name) {
        return name.startsWith("java.") || name.startsWith("javax.") && !name.startsWith("javax.servlet.")
                || name.startsWith("sun.") || name.startsWith("jdk.") || name.startsWith("com.sun.");
    }

    private static boolean isInstrumentedJdk(String name) {
        for (String prefix : INSTRUMENTED_JDK_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
