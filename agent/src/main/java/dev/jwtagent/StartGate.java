package dev.jwtagent;

import dev.jwtagent.config.AgentConfig;
import dev.jwtagent.config.ConfigException;
import dev.jwtagent.instrument.Instrumentations;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Decides {@code enabled} before the agent jar is put on the bootstrap class path, so that a
 * disabled agent changes nothing. Links against configuration classes only, and loads them only
 * when a setting could say {@code enabled=false}: classes loaded here come from the application
 * class loader, which verifies them, and are loaded again from the bootstrap class path later.
 */
final class StartGate {
    private StartGate() {
    }

    public static boolean enabled(String arguments) {
        if (!mayDisable(arguments, System.getProperties(), System.getenv())) {
            return true;
        }
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

    /**
     * Whether any source could switch the agent off: the agent arguments mention {@code enabled}
     * or a configuration file, or the property or environment variable for either is set. False
     * means enabled without reading the configuration (the installer reads and checks all of it).
     */
    static boolean mayDisable(String arguments, Properties properties, Map<String, String> environment) {
        return arguments != null && (arguments.contains("enabled") || arguments.contains("config-file"))
                || properties.getProperty("jwt.agent.enabled") != null || properties.getProperty("jwt.agent.config-file") != null
                || environment.get("JWT_AGENT_ENABLED") != null || environment.get("JWT_AGENT_CONFIG_FILE") != null;
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
