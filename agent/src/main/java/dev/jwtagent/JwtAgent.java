package dev.jwtagent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points: {@code premain} (-javaagent), {@code agentmain} (attach) and
 * {@code main} (the command line). This class only puts the agent jar on the bootstrap class
 * path and then hands over by name, so that nothing links against the agent's classes before they
 * resolve to the bootstrap loader.
 */
public final class JwtAgent {
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
            if (!(Boolean) Class.forName("dev.jwtagent.StartGate").getMethod("enabled", String.class).invoke(null, arguments)) {
                return;
            }
            BootstrapInjector.inject(instrumentation);
            // Read here, where the application class loader has the jar's manifest at hand; from the
            // bootstrap loader it would be read again.
            String version = JwtAgent.class.getPackage().getImplementationVersion();
            Class.forName("dev.jwtagent.AgentInstaller")
                    .getMethod("install", String.class, Instrumentation.class, boolean.class, long.class, String.class)
                    .invoke(null, arguments, instrumentation, attached, started, version == null ? "dev" : version);
        } catch (Throwable e) {
            // Anything at all, a broken jar included: one line, never a JVM assertion dump.
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
            System.err.println("jwt-agent: failed to start: " + cause);
            if (!attached) {
                // A security agent that cannot start must not let the service run unprotected.
                System.exit(1);
            }
        }
    }
}
