package dev.jwtagent;

import dev.jwtagent.config.AgentConfig;
import dev.jwtagent.config.ConfigException;
import dev.jwtagent.instrument.Instrumentations;
import dev.jwtagent.verify.KeyedVerifier;
import dev.jwtagent.verify.TokenVerifiers;

import java.io.File;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code java -jar jwt-agent.jar help | version | check-config [args] | attach <pid> [args]}.
 * {@code check-config} reads the same sources as the agent (system properties given with -D,
 * environment, the argument string) and says what the agent would do, or what is wrong.
 * Public: with the agent also started in the command's own JVM ({@code JAVA_TOOL_OPTIONS}), this
 * class comes from the bootstrap class path and {@link JwtAgent} from the application class loader,
 * two runtime packages.
 */
public final class CommandLine {
    private CommandLine() {
    }

    public static void run(String[] args) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        switch (command) {
            case "version":
                System.out.println("jwt-agent " + AgentInstaller.version());
                return;
            case "check-config":
                System.exit(checkConfig(args.length > 1 ? args[1] : null));
                return;
            case "attach":
                if (args.length < 2) {
                    System.err.println("usage: attach <pid> [key=value;key=value]");
                    System.exit(2);
                }
                System.exit(attach(args[1], args.length > 2 ? args[2] : ""));
                return;
            default:
                System.out.println(String.join(System.lineSeparator(),
                        "jwt-agent " + AgentInstaller.version() + ": verifies inbound JWT bearer tokens and propagates them to allowed hosts",
                        "  java -javaagent:jwt-agent.jar[=key=value;key=value] -Djwt.agent.<key>=<value> -jar service.jar",
                        "  java -jar jwt-agent.jar version",
                        "  java -jar jwt-agent.jar check-config [key=value;key=value]   (reads -Djwt.agent.* and JWT_AGENT_* too)",
                        "  java -jar jwt-agent.jar attach <pid> [key=value;key=value]",
                        "Settings: see the README's configuration table."));
        }
    }

    private static int checkConfig(String arguments) {
        Map<String, String> properties = new HashMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("jwt.agent.")) {
                properties.put(name, System.getProperty(name));
            }
        }
        try {
            if (!switchedOn(arguments, properties)) {
                // As the agent decides (StartGate): switched off, it would install nothing and check no value.
                System.out.println("ok: disabled by jwt.agent.enabled=false; the agent would install nothing");
                return 0;
            }
            AgentConfig config = AgentConfig.load(arguments, properties, System.getenv(), Instrumentations.names());
            try (KeyedVerifier verifier = TokenVerifiers.create(AgentInstaller.verifierSettings(config))) {
                System.out.println("ok: mode=" + config.mode().name().toLowerCase(java.util.Locale.ROOT)
                        + ", keys=" + verifier.keySourceDescription() + ", allowed-hosts=" + config.allowedHosts());
            }
            for (String warning : config.warnings()) {
                System.out.println("warning: " + warning);
            }
            return 0;
        } catch (ConfigException | IllegalArgumentException e) {
            System.out.println("invalid: " + AgentInstaller.refusal(e.getMessage()));
            return 1;
        }
    }

    /** The master switch as the agent reads it; a setting it cannot read is left to the full check to report. */
    private static boolean switchedOn(String arguments, Map<String, String> properties) {
        try {
            return AgentConfig.isEnabled(arguments, properties, System.getenv(), Instrumentations.names());
        } catch (ConfigException | IllegalArgumentException e) {
            return true;
        }
    }

    /**
     * The jar the command was started from. Asked of the launcher's copy of the entry point: with the
     * agent also started in this JVM ({@code JAVA_TOOL_OPTIONS}), this class and the {@link JwtAgent}
     * it links to come from the bootstrap class path, where a class has no code source.
     */
    private static File agentJar() throws ClassNotFoundException, java.net.URISyntaxException {
        Class<?> entry = Class.forName(JwtAgent.class.getName(), false, ClassLoader.getSystemClassLoader());
        return new File(entry.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** Exit status 0 when the agent started in the JVM (or was disabled there by its settings), 1 otherwise. */
    private static int attach(String pid, String arguments) throws Exception {
        File jar = agentJar();
        // Through the system class loader, by reflection: with the agent also started in this JVM
        // (JAVA_TOOL_OPTIONS), this class comes from the bootstrap class path, which does not see jdk.attach.
        Class<?> machines = Class.forName("com.sun.tools.attach.VirtualMachine", true, ClassLoader.getSystemClassLoader());
        Object vm;
        try {
            vm = machines.getMethod("attach", String.class).invoke(null, pid);
        } catch (java.lang.reflect.InvocationTargetException e) {
            // A mistyped pid, a process that has ended or that is no JVM: one line, not a stack trace.
            System.err.println("jwt-agent: cannot attach to " + pid + ": " + messageOf(e.getCause()));
            return 1;
        }
        String outcome;
        try {
            machines.getMethod("loadAgent", String.class, String.class).invoke(vm, jar.getAbsolutePath(), arguments);
            outcome = ((java.util.Properties) machines.getMethod("getSystemProperties").invoke(vm))
                    .getProperty(JwtAgent.ATTACH_OUTCOME_PROPERTY);
        } catch (java.lang.reflect.InvocationTargetException e) {
            // The JVM would not load the agent (Java 21+ started with -XX:-EnableDynamicAgentLoading, a system
            // class loader that cannot take the jar) or went away meanwhile: one line, not a stack trace.
            System.err.println("jwt-agent: cannot load the agent into " + pid + ": " + messageOf(e.getCause()));
            return 1;
        } finally {
            machines.getMethod("detach").invoke(vm);
        }
        if (JwtAgent.ATTACH_STARTED.equals(outcome)) {
            System.out.println("attached jwt-agent to " + pid + "; its startup line is in that JVM's log");
            return 0;
        }
        if (JwtAgent.ATTACH_DISABLED.equals(outcome)) {
            System.out.println("attached to " + pid + ", where jwt.agent.enabled=false: nothing installed");
            return 0;
        }
        String why = outcome == null ? "it left no outcome; see that JVM's standard error"
                : outcome.startsWith("jwt-agent: ") ? outcome.substring("jwt-agent: ".length()) : outcome;
        System.out.println("jwt-agent did not start in " + pid + ": " + why);
        return 1;
    }

    /** What the attach API said: its message, or the exception's name when it has none. Errors are not said but thrown. */
    private static String messageOf(Throwable fault) {
        if (fault instanceof Error) {
            throw (Error) fault;
        }
        return fault.getMessage() == null ? fault.getClass().getSimpleName() : fault.getMessage();
    }
}
