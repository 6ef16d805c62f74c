package dev.jwtagent.config;

import dev.jwtagent.log.OneLine;

/** A setting the agent refuses. The message is one line naming the key and what is wrong. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super(OneLine.of("jwt.agent." + key + ": " + problem));
        this.key = key;
    }

    /** A problem with the agent arguments as a whole, which name no key where it lies. */
    static ConfigException inAgentArguments(String problem) {
        return new ConfigException("agent arguments: " + problem, (Void) null);
    }

    private ConfigException(String message, Void noKey) {
        super(OneLine.of(message));
        this.key = null;
    }

    public String key() {
        return key;
    }
}
