package dev.jwtagent.concurrent;

/**
 * Loads classes before the agent's transformer is registered.
 * <ul>
 *   <li>The classes hand-off advice calls, so that the first instrumented {@code Thread} or
 *       {@code FutureTask} constructor does not resolve them from inside itself.</li>
 *   <li>The JDK classes instrumented here: one loaded while loaded classes are being retransformed
 *       (the JVM loads {@code ForkJoinPool} when it relinks a retransformed {@code VirtualThread}
 *       on Java 25) is neither in the batch nor transformed at load time, and would stay plain.</li>
 * </ul>
 */
final class BootstrapClasses {
    private static final String[] AGENT_CLASSES = {
            "dev.jwtagent.bootstrap.TokenCarrier",
            "dev.jwtagent.bootstrap.TokenTasks",
            "dev.jwtagent.bootstrap.TokenPropagatingRunnable",
            "dev.jwtagent.bootstrap.TokenPropagatingCallable",
    };
    private static final String[] JDK_CLASSES = {
            "java.util.concurrent.ThreadPoolExecutor",
            "java.util.concurrent.FutureTask",
            "java.util.concurrent.ForkJoinPool",
            "java.util.concurrent.CompletableFuture",
            "java.util.concurrent.ThreadPerTaskExecutor",
            "java.lang.VirtualThread",
            "java.lang.ThreadBuilders$BoundVirtualThread",
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
        for (String name : JDK_CLASSES) {
            try {
                Class.forName(name, false, null);
            } catch (ClassNotFoundException e) {
                // Not on this Java version: nothing to instrument.
            }
        }
    }
}
