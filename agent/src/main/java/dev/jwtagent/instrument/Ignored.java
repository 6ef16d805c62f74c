package dev.jwtagent.instrument;

/**
 * Classes never instrumented, decided by name alone: the agent's own (and the libraries it carries),
 * and every JDK package but the few whose classes the agent rewrites.
 */
final class Ignored {
    /** Tests the prefixes most likely to decide first: most classes a JVM loads are the JDK's. */
    boolean name(String name) {
        if (name.startsWith("java.")) {
            return !(name.startsWith("java.util.concurrent.") || name.startsWith("java.lang.Thread")
                    || name.startsWith("java.lang.VirtualThread"));
        }
        if (name.startsWith("jdk.")) {
            return !name.startsWith("jdk.internal.net.http.");
        }
        if (name.startsWith("sun.")) {
            return !name.startsWith("sun.net.www.protocol.http.");
        }
        if (name.startsWith("javax.")) {
            return !name.startsWith("javax.servlet.");
        }
        return name.startsWith("com.sun.") || name.startsWith("dev.jwtagent.") || name.startsWith("net.bytebuddy.");
    }
}
