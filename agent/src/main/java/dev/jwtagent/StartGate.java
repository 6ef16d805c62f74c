package dev.jwtagent;

import dev.jwtagent.config.AgentConfig;
import dev.jwtagent.config.ConfigException;
import dev.jwtagent.instrument.Instrumentations;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Decides {@code enabled} before the agent jar is put on the bootstrap class path, so that a
 * disabled agent changes nothing. Links against configuration classes only.
 */
final class StartGate {
    private StartGate() {
    }

    public static boolean enabled(String arguments) {
        try {
            if (AgentConfig.isEnabled(arguments, systemProperties(), System.getenv(), Instrumentations.names())) {
                return true;
            }
        } catch (ConfigException | IllegalArgumentException e) {
            // The installer reports bad settings with the full configuration.
            return true;
        }
        String version = StartGate.class.getPackage().getImplementationVersion();
        System.err.println("jwt-agent " + (version == null ? "dev" : version) + ": disabled by jwt.agent.enabled=false; nothing installed");
        return false;
    }

    /** The {@code jwt.agent.*} system properties. */
    static Map<String, String> systemProperties() {
        Properties properties = System.getProperties();
        Map<String, String> copy = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith("jwt.agent.")) {
                copy.put(name, properties.getProperty(name));
            }
        }
        return copy;
    }
}
