package dev.jwtagent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points: {@code premain} (-javaagent), {@code agentmain} (attach) and
 * {@code main} (the command line). This class only puts the agent jar on the bootstrap class
 * path and then hands over by name, so that nothing links against the agent's classes before they
 * resolve to the bootstrap loader.
 */
public final class JwtAgent {
    /**
     * The system property an attach leaves in the JVM: {@link #ATTACH_STARTED}, {@link #ATTACH_DISABLED},
     * or the line the agent printed to say why it did not start.
     */
    static final String ATTACH_OUTCOME_PROPERTY = "jwt-agent.attach.outcome";
    static final String ATTACH_STARTED = "started";
    static final String ATTACH_DISABLED = "disabled";

    private JwtAgent() {
    }

    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, false);
    }

    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, true);
    }

    public static void main(String[] args) throws Exception {
        Class.forName("dev.jwtagent.CommandLine").getMethod("run", String[].class).invoke(null, (Object) args);
    }

    private static void start(String arguments, Instrumentation instrumentation, boolean attached) {
        long started = System.nanoTime();
        try {
            if (attached) {
                // An earlier attach's outcome is not this one's.
                System.clearProperty(ATTACH_OUTCOME_PROPERTY);
            }
            // A copy already running is refused by the installer whatever this one's switch says: "disabled,
            // nothing installed" would be untrue of a JVM whose first copy goes on enforcing.
            if (!alreadyInstalled()
                    && !(Boolean) Class.forName("dev.jwtagent.StartGate").getMethod("enabled", String.class).invoke(null, arguments)) {
                tellAttacher(attached, ATTACH_DISABLED);
                return;
            }
            BootstrapInjector.inject(instrumentation);
            // Read here, where the application class loader has the jar's manifest at hand; from the
            // bootstrap loader it would be read again.
            String version = JwtAgent.class.getPackage().getImplementationVersion();
            Object notStarted = Class.forName("dev.jwtagent.AgentInstaller")
                    .getMethod("install", String.class, Instrumentation.class, boolean.class, long.class, String.class)
                    .invoke(null, arguments, instrumentation, attached, started, version == null ? "dev" : version);
            tellAttacher(attached, notStarted == null ? ATTACH_STARTED : (String) notStarted);
        } catch (Throwable e) {
            // Anything at all, a broken jar included: one line, never a JVM assertion dump.
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
            String line = "jwt-agent: failed to start: " + cause;
            System.err.println(line);
            if (!attached) {
                // A security agent that cannot start must not let the service run unprotected.
                System.exit(1);
            }
            tellAttacher(true, line);
        }
    }

    /** Whether a copy of the agent has installed its hooks in this JVM (its bridge is on the bootstrap class path). */
    private static boolean alreadyInstalled() throws ReflectiveOperationException {
        Class<?> bridge;
        try {
            bridge = Class.forName("dev.jwtagent.bootstrap.AgentBridge", false, null);
        } catch (ClassNotFoundException notAppended) {
            return false;
        }
        return (Boolean) bridge.getMethod("installed").invoke(null);
    }

    /**
     * On attach, leaves the outcome where the {@code attach} command reads it: the JVM's answer to
     * the attach says only that {@code agentmain} returned, and one that throws makes the JVM print
     * assertion failures into the application's standard error.
     */
    private static void tellAttacher(boolean attached, String outcome) {
        if (!attached) {
            return;
        }
        try {
            System.setProperty(ATTACH_OUTCOME_PROPERTY, outcome);
        } catch (RuntimeException e) {
            // A security manager that refuses: the attach command says it cannot tell.
        }
    }
}
