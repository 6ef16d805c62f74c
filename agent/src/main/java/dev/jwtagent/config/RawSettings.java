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
    /** Why the configuration file was left out, when {@link #collectSkippingAnUnreadableFile} could not read it; else null. */
    private ConfigException unreadableFile;

    private RawSettings() {
    }

    /**
     * @param agentArguments the text after {@code -javaagent:jwt-agent.jar=}, may be null
     * @param knownKeys      every key the agent understands (instrumentation switches included)
     */
    public static RawSettings collect(String agentArguments, Map<String, String> systemProperties,
                                      Map<String, String> environment, Set<String> knownKeys) {
        return collect(agentArguments, systemProperties, environment, knownKeys, false);
    }

    /**
     * As {@link #collect}, but a configuration file that cannot be read is left out, and
     * {@link #unreadableFile} says why: for the master switch, which a higher source may set.
     */
    public static RawSettings collectSkippingAnUnreadableFile(String agentArguments, Map<String, String> systemProperties,
                                                              Map<String, String> environment, Set<String> knownKeys) {
        return collect(agentArguments, systemProperties, environment, knownKeys, true);
    }

    private static RawSettings collect(String agentArguments, Map<String, String> systemProperties,
                                       Map<String, String> environment, Set<String> knownKeys, boolean skipUnreadableFile) {
        RawSettings raw = new RawSettings();
        Map<String, String> fromArguments = parseAgentArguments(agentArguments, knownKeys);
        Map<String, String> fromProperties = withPrefix(systemProperties, knownKeys, true);
        Map<String, String> fromEnvironment = fromEnvironment(environment, knownKeys, raw.warnings);

        String configFile = first(ConfigKey.CONFIG_FILE.key(), fromArguments, fromProperties, fromEnvironment);
        Map<String, String> fromFile = Collections.emptyMap();
        if (configFile != null) {
            Properties properties = null;
            try {
                properties = loadFile(configFile);
            } catch (ConfigException unreadable) {
                if (!skipUnreadableFile) {
                    throw unreadable;
                }
                raw.unreadableFile = unreadable;
            }
            fromFile = properties == null ? Collections.<String, String>emptyMap() : fromFile(properties, knownKeys);
        }

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

    /** See {@link #collectSkippingAnUnreadableFile}; null when the file was read or none is set. */
    public ConfigException unreadableFile() {
        return unreadableFile;
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
                if (!looksLikeAName(text, knownKeys)) {
                    // Not quoted: text that is no setting's name may be a secret's, split off at a ';'.
                    throw ConfigException.inAgentArguments("an argument is not key=value (not quoted, as it may be a secret's text)");
                }
                throw new ConfigException(text, "agent argument must be key=value");
            }
            requireKnown(key, knownKeys, "an agent argument");
            String value = pair.substring(eq + 1).trim();
            String joined = settingJoinedByComma(value, knownKeys);
            if (joined != null) {
                // "audience=orders,secret=..." would make the secret an audience, shown in the startup line.
                throw new ConfigException(key, "its value holds '," + joined + "=': agent arguments are separated by ';', not ','"
                        + " (value not quoted)");
            }
            if (result.containsKey(key)) {
                throw new ConfigException(key, "set twice in the agent arguments");
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

    private static Properties loadFile(String file) {
        try {
            return readProperties(Paths.get(file));
        } catch (IllegalArgumentException malformed) {
            // Properties' only complaint about a file it reads (its message quotes nothing worth showing).
            throw new ConfigException(ConfigKey.CONFIG_FILE.key(), FileNames.shown(file) + " is not a valid properties file"
                    + " (a malformed \\uXXXX escape)");
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(ConfigKey.CONFIG_FILE.key(), "cannot read " + FileNames.shown(file) + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static Map<String, String> fromFile(Properties properties, Set<String> knownKeys) {
        Map<String, String> result = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            String key = stripPrefix(name);
            requireKnown(key, knownKeys, "an entry of the configuration file");
            if (key.equals(ConfigKey.CONFIG_FILE.key())) {
                // One file is read: a second one named here (a shared file to chain) would be dropped in silence, settings and all.
                throw new ConfigException(key, "is set in the configuration file, which cannot name another (only one file is read):"
                        + " move its settings into this file");
            }
            if (properties instanceof KeysNotedTwice && ((KeysNotedTwice) properties).repeated.contains(name)) {
                // Two lines for one key: the last would win silently, and the first may be the one meant.
                throw new ConfigException(key, "set twice in the configuration file");
            }
            if (result.containsKey(key)) {
                // "mode" and "jwt.agent.mode" both: which one wins would depend on a hash order.
                throw new ConfigException(key, "set twice in the configuration file, with and without the " + PREFIX + " prefix");
            }
            result.put(key, properties.getProperty(name).trim());
        }
        return result;
    }

    /**
     * A properties file read as UTF-8, as the environment and the command line give text (a secret,
     * issuer or audience beyond ASCII means the same wherever it is set); a file that is not UTF-8
     * is read as ISO-8859-1, the format's old encoding, as the JDK reads resource bundles.
     */
    static Properties readProperties(java.nio.file.Path path) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readAllBytes();
        }
        java.nio.charset.Charset charset = java.nio.charset.StandardCharsets.UTF_8;
        try {
            charset.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes));
        } catch (java.nio.charset.CharacterCodingException notUtf8) {
            charset = java.nio.charset.StandardCharsets.ISO_8859_1;
        }
        String text = new String(bytes, charset);
        if (text.startsWith("\uFEFF")) {
            // A UTF-8 byte order mark (Windows editors write one): else part of the first key, which names no setting.
            text = text.substring(1);
        }
        Properties properties = new KeysNotedTwice();
        properties.load(new java.io.StringReader(text));
        return properties;
    }

    /** Properties that note each key the file gives more than once ({@code load} puts every line). */
    private static final class KeysNotedTwice extends Properties {
        private static final long serialVersionUID = 1L;
        final transient Set<Object> repeated = new java.util.HashSet<>();

        @Override
        public synchronized Object put(Object key, Object value) {
            Object before = super.put(key, value);
            if (before != null) {
                repeated.add(key);
            }
            return before;
        }
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
        if (where != null && !looksLikeAName(key, knownKeys)) {
            String problem = where + " names no setting (not quoted, as it may be a secret's or a key's text)";
            throw where.equals("an agent argument") ? ConfigException.inAgentArguments(problem)
                    : new ConfigException(ConfigKey.CONFIG_FILE.key(), problem);
        }
        throw new ConfigException(key, "unknown setting");
    }

    /**
     * The setting named by a part of {@code value} after a ',' that reads {@code <key> =} (with or
     * without the {@code jwt.agent.} prefix and spaces), or null.
     */
    static String settingJoinedByComma(String value, Set<String> knownKeys) {
        String[] parts = value.split(",", -1);
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                String name = stripPrefix(parts[i].substring(0, eq).trim());
                if (knownKeys.contains(name)) {
                    return name;
                }
            }
        }
        return null;
    }

    /**
     * Whether unknown text may be quoted as a misspelt setting: the shape of a setting's name
     * (lower-case words joined by '.' or '-'), and near a known one: at most two edits from it, or
     * in the same group ({@code jwks.}, {@code outbound.}...). A secret's or a key's text, or a
     * passphrase given as the configuration file by mistake, is neither.
     */
    static boolean looksLikeAName(String text, Set<String> knownKeys) {
        if (text.length() > 48 || !text.matches("[a-z]+([.-][a-z0-9]+)*")) {
            return false;
        }
        int dot = text.indexOf('.');
        for (String known : knownKeys) {
            if (dot > 0 && known.startsWith(text.substring(0, dot + 1)) || editDistanceAtMostTwo(text, known)
                    || isNearItsGrouplessName(text, known)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A setting written without its group ({@code allowed-hosts} for {@code outbound.allowed-hosts}),
     * also misspelt ({@code alowed-hosts}): the name after the group, or within two edits of it when
     * that is long enough that a secret's text is not near it by chance.
     */
    private static boolean isNearItsGrouplessName(String text, String known) {
        int dot = known.indexOf('.');
        if (dot < 0) {
            return false;
        }
        String groupless = known.substring(dot + 1);
        return text.equals(groupless) || groupless.length() >= 8 && editDistanceAtMostTwo(text, groupless);
    }

    private static boolean editDistanceAtMostTwo(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2) {
            return false;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()] <= 2;
    }
}
