package dev.jwtagent.concurrent;

/**
 * Loads classes before the agent's transformer is registered.
 * <ul>
 *   <li>The classes hand-off advice calls, so that the first instrumented {@code Thread} or
 *       {@code FutureTask} constructor does not resolve them from inside itself.</li>
 *   <li>A JDK class instrumented here that the JVM would load while it relinks another one being
 *       retransformed: such a class is neither in the batch nor transformed at load time, and would
 *       stay plain. On Java 21+ the JVM loads {@code ForkJoinPool} when it relinks a retransformed
 *       {@code VirtualThread} (loaded at startup there).</li>
 * </ul>
 * The other instrumented JDK classes are not loaded here: one the application loads later is
 * transformed as it loads, which costs far less than retransforming it on the first request (the
 * executors, {@code FutureTask}, {@code ForkJoinPool}, {@code CompletableFuture} and {@code Thread}
 * together took 52 to 65 ms on one core, {@code Thread} alone 15 to 47 ms), and one it never loads
 * costs nothing.
 */
final class BootstrapClasses {
    private static final String[] AGENT_CLASSES = {
            "dev.jwtagent.bootstrap.TokenCarrier",
            "dev.jwtagent.bootstrap.TokenTasks",
            "dev.jwtagent.bootstrap.TokenPropagatingRunnable",
            "dev.jwtagent.bootstrap.ThreadTargetRunnable",
            "dev.jwtagent.bootstrap.ThreadStarts",
            "dev.jwtagent.bootstrap.TokenPropagatingFuture",
            "dev.jwtagent.bootstrap.TokenPropagatingCallable",
            "dev.jwtagent.bootstrap.ForkedTasks",
    };
    /** Pairs: when the first class is there (already loaded at startup), the second is loaded too, before the agent's transformer. */
    private static final String[][] LOADED_WHILE_RELINKING = {
            {"java.lang.VirtualThread", "java.util.concurrent.ForkJoinPool"},
    };

    private BootstrapClasses() {
    }

    static void load() {
        for (String name : AGENT_CLASSES) {
            try {
                Class.forName(name, true, BootstrapClasses.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("agent class missing: " + name, e);
            }
        }
    }

    /** For the thread instrumentation, which retransforms {@code VirtualThread}: what relinking it loads. */
    static void loadWhatRelinkingLoads() {
        for (String[] pair : LOADED_WHILE_RELINKING) {
            try {
                Class.forName(pair[0], false, null);
                Class.forName(pair[1], false, null);
            } catch (ClassNotFoundException e) {
                // Not on this Java version: nothing to instrument.
            }
        }
    }
}
