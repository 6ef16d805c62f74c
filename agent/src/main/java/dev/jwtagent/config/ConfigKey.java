package dev.jwtagent.config;

import java.util.Locale;

/** Every setting the agent reads, with its default (null: none). */
public enum ConfigKey {
    ENABLED("enabled", "true"),
    MODE("mode", "enforce"),
    ISSUER("issuer", null),
    AUDIENCE("audience", null),
    ALGORITHMS("algorithms", null),
    SECRET("secret", null),
    SECRET_FILE("secret-file", null),
    PUBLIC_KEY_FILE("public-key-file", null),
    JWKS_URL("jwks-url", null),
    JWKS_REFRESH_INTERVAL("jwks.refresh-interval", "10m"),
    JWKS_MIN_REFETCH_INTERVAL("jwks.min-refetch-interval", "30s"),
    JWKS_TIMEOUT("jwks.timeout", "5s"),
    CLOCK_SKEW("clock-skew", "30s"),
    REQUIRED_CLAIMS("required-claims", null),
    MAX_TOKEN_SIZE("max-token-size", "8192"),
    INBOUND_HEADER("inbound.header", "Authorization"),
    INBOUND_REQUIRED("inbound.required", "false"),
    INBOUND_EXCLUDE_PATHS("inbound.exclude-paths", null),
    OUTBOUND_HEADER("outbound.header", "Authorization"),
    OUTBOUND_ALLOWED_HOSTS("outbound.allowed-hosts", "internal"),
    LOG_LEVEL("log.level", "info"),
    CONFIG_FILE("config-file", null);

    private final String key;
    private final String defaultValue;

    ConfigKey(String key, String defaultValue) {
        this.key = key;
        this.defaultValue = defaultValue;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    /** {@code jwt.agent.jwks.refresh-interval} becomes {@code JWT_AGENT_JWKS_REFRESH_INTERVAL}. */
    public static String environmentName(String key) {
        return "JWT_AGENT_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
