package dev.jwtagent.config;

/** A setting the agent refuses. The message is one line naming the key and what is wrong. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super("jwt.agent." + key + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
