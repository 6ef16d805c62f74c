package dev.jwtagent.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Collects the raw string settings from the four sources, highest precedence first:
 * agent arguments, system properties, environment variables, the properties file.
 * Knows which source each value came from (a secret on the command line gets a warning).
 */
public final class RawSettings {
    public enum Source { AGENT_ARGUMENT, SYSTEM_PROPERTY, ENVIRONMENT, FILE, DEFAULT }

    static final String PREFIX = "jwt.agent.";

    private final Map<String, String> values = new HashMap<>();
    private final Map<String, Source> sources = new HashMap<>();
    private final List<String> warnings = new ArrayList<>();

    private RawSettings() {
    }

    /**
     * @param agentArguments the text after {@code -javaagent:jwt-agent.jar=}, may be null
     * @param knownKeys      every key the agent understands (instrumentation switches included)
     */
    public static RawSettings collect(String agentArguments, Map<String, String> systemProperties,
                                      Map<String, String> environment, Set<String> knownKeys) {
        RawSettings raw = new RawSettings();
        Map<String, String> fromArguments = parseAgentArguments(agentArguments, knownKeys);
        Map<String, String> fromProperties = withPrefix(systemProperties, knownKeys, true);
        Map<String, String> fromEnvironment = fromEnvironment(environment, knownKeys, raw.warnings);

        String configFile = first(ConfigKey.CONFIG_FILE.key(), fromArguments, fromProperties, fromEnvironment);
        Map<String, String> fromFile = configFile == null ? Collections.emptyMap() : readFile(configFile, knownKeys);

        raw.putAll(fromFile, Source.FILE);
        raw.putAll(fromEnvironment, Source.ENVIRONMENT);
        raw.putAll(fromProperties, Source.SYSTEM_PROPERTY);
        raw.putAll(fromArguments, Source.AGENT_ARGUMENT);
        return raw;
    }

    public String get(String key) {
        return values.get(key);
    }

    public Source sourceOf(String key) {
        return sources.getOrDefault(key, Source.DEFAULT);
    }

    public List<String> warnings() {
        return warnings;
    }

    private void putAll(Map<String, String> from, Source source) {
        for (Map.Entry<String, String> e : from.entrySet()) {
            values.put(e.getKey(), e.getValue());
            sources.put(e.getKey(), source);
        }
    }

    private static String first(String key, Map<String, String> a, Map<String, String> b, Map<String, String> c) {
        if (a.containsKey(key)) return a.get(key);
        if (b.containsKey(key)) return b.get(key);
        return c.get(key);
    }

    static Map<String, String> parseAgentArguments(String arguments, Set<String> knownKeys) {
        Map<String, String> result = new HashMap<>();
        if (arguments == null || arguments.isBlank()) {
            return result;
        }
        String previousKey = null;
        for (String pair : arguments.split(";")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq <= 0 ? null : stripPrefix(pair.substring(0, eq).trim());
            if ("secret".equals(previousKey) && (key == null || !knownKeys.contains(key))) {
                // Most likely the secret's own text after a ';' in it: never quoted in the refusal line.
                throw new ConfigException("secret", "what follows it in the agent arguments is not a known key=value setting"
                        + " (a misspelt key, or a secret containing ';', which cannot be given there: use secret-file or JWT_AGENT_SECRET)");
            }
            if (key == null) {
                String text = pair.trim();
                if (!looksLikeAName(text)) {
                    // Not quoted: text that is no setting's name may be a secret's, split off at a ';'.
                    throw ConfigException.inAgentArguments("an argument is not key=value (not quoted, as it may be a secret's text)");
                }
                throw new ConfigException(text, "agent argument must be key=value");
            }
            requireKnown(key, knownKeys, "an agent argument");
            String value = pair.substring(eq + 1).trim();
            for (String other : knownKeys) {
                if (value.contains("," + other + "=") || value.contains(", " + other + "=")) {
                    // "audience=orders,secret=..." would make the secret an audience, shown in the startup line.
                    throw new ConfigException(key, "its value holds '," + other + "=': agent arguments are separated by ';', not ','"
                            + " (value not quoted)");
                }
            }
            result.put(key, value);
            previousKey = key;
        }
        return result;
    }

    private static Map<String, String> withPrefix(Map<String, String> properties, Set<String> knownKeys, boolean strict) {
        Map<String, String> result = new HashMap<>();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            if (e.getKey().startsWith(PREFIX)) {
                String key = e.getKey().substring(PREFIX.length());
                if (strict) {
                    requireKnown(key, knownKeys, null);
                }
                result.put(key, e.getValue().trim());
            }
        }
        return result;
    }

    private static Map<String, String> fromEnvironment(Map<String, String> environment, Set<String> knownKeys, List<String> warnings) {
        Map<String, String> byEnvironmentName = new HashMap<>();
        for (String key : knownKeys) {
            byEnvironmentName.put(ConfigKey.environmentName(key), key);
        }
        Map<String, String> result = new HashMap<>();
        for (Map.Entry<String, String> e : environment.entrySet()) {
            if (!e.getKey().startsWith("JWT_AGENT_")) {
                continue;
            }
            String key = byEnvironmentName.get(e.getKey());
            if (key == null) {
                // Environments carry unrelated variables; a typo here is worth a warning, not a refusal.
                warnings.add("environment variable " + e.getKey() + " names no setting and is ignored");
            } else {
                result.put(key, e.getValue().trim());
            }
        }
        return result;
    }

    private static Map<String, String> readFile(String file, Set<String> knownKeys) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Paths.get(file))) {
            properties.load(in);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(ConfigKey.CONFIG_FILE.key(), "cannot read '" + file + "' (" + e.getClass().getSimpleName() + ")");
        }
        Map<String, String> result = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            String key = stripPrefix(name);
            requireKnown(key, knownKeys, "an entry of the configuration file");
            result.put(key, properties.getProperty(name).trim());
        }
        return result;
    }

    private static String stripPrefix(String key) {
        return key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
    }

    /**
     * Refuses a key that names no setting. A key from a file or the agent arguments ({@code where}
     * not null) is quoted only when it looks like a setting's name: a line without '=' is a key to
     * {@code Properties}, and the file may be a secret or a private key given by mistake.
     */
    private static void requireKnown(String key, Set<String> knownKeys, String where) {
        if (knownKeys.contains(key)) {
            return;
        }
        if (where != null && !looksLikeAName(key)) {
            String problem = where + " names no setting (not quoted, as it may be a secret's or a key's text)";
            throw where.equals("an agent argument") ? ConfigException.inAgentArguments(problem)
                    : new ConfigException(ConfigKey.CONFIG_FILE.key(), problem);
        }
        throw new ConfigException(key, "unknown setting");
    }

    /**
     * Lower-case words joined by '.' or '-', digits only after a separator, at most 48 characters,
     * and either short or joined: as setting names are ("secrt", "jwks.refresh-intervall"), and as
     * a secret's or a key's text (mixed case, digits among letters, '+', '/', long runs) is not.
     */
    static boolean looksLikeAName(String text) {
        return text.length() <= 48 && text.matches("[a-z]+([.-][a-z0-9]+)*")
                && (text.length() <= 12 || text.indexOf('.') >= 0 || text.indexOf('-') >= 0);
    }
}
