package dev.jwtagent;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartGateTest {
    private static final Map<String, String> NO_ENVIRONMENT = Collections.emptyMap();

    @Test
    void settingsThatCannotSwitchTheAgentOffNeedNoConfigurationRead() {
        Properties properties = new Properties();
        properties.setProperty("jwt.agent.issuer", "https://issuer.example");
        properties.setProperty("unrelated", "enabled");
        assertFalse(StartGate.mayDisable(null, properties, Map.of("PATH", "/bin")));
        assertFalse(StartGate.mayDisable("issuer=https://issuer.example;mode=monitor", properties, NO_ENVIRONMENT));
    }

    @Test
    void everySourceOfTheSwitchOrOfAConfigurationFileIsNoticed() {
        Properties none = new Properties();
        assertTrue(StartGate.mayDisable("enabled=false", none, NO_ENVIRONMENT));
        assertTrue(StartGate.mayDisable("jwt.agent.enabled=false", none, NO_ENVIRONMENT));
        assertTrue(StartGate.mayDisable("config-file=/etc/jwt-agent.properties", none, NO_ENVIRONMENT));
        assertTrue(StartGate.mayDisable(null, none, Map.of("JWT_AGENT_ENABLED", "false")));
        assertTrue(StartGate.mayDisable(null, none, Map.of("JWT_AGENT_CONFIG_FILE", "/etc/jwt-agent.properties")));
        Properties enabled = new Properties();
        enabled.setProperty("jwt.agent.enabled", "false");
        assertTrue(StartGate.mayDisable(null, enabled, NO_ENVIRONMENT));
        Properties file = new Properties();
        file.setProperty("jwt.agent.config-file", "/etc/jwt-agent.properties");
        assertTrue(StartGate.mayDisable(null, file, NO_ENVIRONMENT));
    }

    @Test
    void theFullCheckStillDecidesWhenASourceMayDisable() {
        // An instrumentation switch mentions "enabled" too: the full check runs and finds the agent on.
        assertTrue(StartGate.mayDisable("instrumentation.thread.enabled=false", new Properties(), NO_ENVIRONMENT));
        assertTrue(StartGate.enabled("instrumentation.thread.enabled=false"));
        assertFalse(StartGate.enabled("enabled=false"));
    }
}
