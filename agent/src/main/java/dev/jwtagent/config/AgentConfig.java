package dev.jwtagent.config;

import dev.jwtagent.inbound.PathPatterns;
import dev.jwtagent.outbound.AllowedHosts;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The effective, validated configuration. Every getter returns a checked value. */
public final class AgentConfig {
    public enum Mode { ENFORCE, MONITOR }

    public static final Set<String> KNOWN_ALGORITHMS = Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(
            "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")));
    private static final int MIN_SECRET_BYTES = 32;
    /** A leeway beyond this gets a startup warning. */
    private static final Duration LONG_CLOCK_SKEW = Duration.ofMinutes(5);

    private final boolean enabled;
    private final Mode mode;
    private final List<String> issuers;
    private final List<String> audiences;
    private final List<String> algorithms;
    private final byte[] secret;
    private final Path publicKeyFile;
    private final URI jwksUrl;
    private final Duration jwksRefreshInterval;
    private final Duration jwksMinRefetchInterval;
    private final Duration jwksTimeout;
    private final Duration clockSkew;
    private final List<String> requiredClaims;
    private final int maxTokenSize;
    private final String inboundHeader;
    private final boolean inboundRequired;
    private final PathPatterns excludedPaths;
    private final String outboundHeader;
    private final AllowedHosts allowedHosts;
    private final Set<String> disabledInstrumentations;
    private final String logLevel;
    private final List<String> warnings;

    private AgentConfig(RawSettings raw, Set<String> instrumentationNames) {
        warnings = new ArrayList<>(raw.warnings());
        enabled = bool(raw, ConfigKey.ENABLED);
        String modeText = value(raw, ConfigKey.MODE).toLowerCase(Locale.ROOT);
        if (!modeText.equals("enforce") && !modeText.equals("monitor")) {
            throw new ConfigException(ConfigKey.MODE.key(), "'" + modeText + "' is not a mode (use enforce or monitor)");
        }
        mode = modeText.equals("enforce") ? Mode.ENFORCE : Mode.MONITOR;
        issuers = givenList(raw, ConfigKey.ISSUER);
        audiences = givenList(raw, ConfigKey.AUDIENCE);
        algorithms = algorithms(raw);
        secret = secret(raw);
        publicKeyFile = readableFile(raw, ConfigKey.PUBLIC_KEY_FILE);
        jwksUrl = jwksUrl(raw);
        jwksRefreshInterval = atLeastASecond(raw, ConfigKey.JWKS_REFRESH_INTERVAL);
        jwksMinRefetchInterval = atLeastASecond(raw, ConfigKey.JWKS_MIN_REFETCH_INTERVAL);
        jwksTimeout = positiveDuration(raw, ConfigKey.JWKS_TIMEOUT);
        clockSkew = duration(raw, ConfigKey.CLOCK_SKEW);
        requiredClaims = givenList(raw, ConfigKey.REQUIRED_CLAIMS);
        maxTokenSize = positiveInt(raw, ConfigKey.MAX_TOKEN_SIZE);
        inboundHeader = headerName(raw, ConfigKey.INBOUND_HEADER);
        inboundRequired = bool(raw, ConfigKey.INBOUND_REQUIRED);
        try {
            excludedPaths = PathPatterns.parse(givenList(raw, ConfigKey.INBOUND_EXCLUDE_PATHS));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ConfigKey.INBOUND_EXCLUDE_PATHS.key(), e.getMessage());
        }
        outboundHeader = headerName(raw, ConfigKey.OUTBOUND_HEADER);
        List<String> hosts = list(raw, ConfigKey.OUTBOUND_ALLOWED_HOSTS);
        if (hosts.isEmpty()) {
            throw new ConfigException(ConfigKey.OUTBOUND_ALLOWED_HOSTS.key(), "must name at least one pattern");
        }
        try {
            allowedHosts = AllowedHosts.parse(hosts);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(ConfigKey.OUTBOUND_ALLOWED_HOSTS.key(), e.getMessage());
        }
        disabledInstrumentations = disabled(raw, instrumentationNames);
        logLevel = value(raw, ConfigKey.LOG_LEVEL).toLowerCase(Locale.ROOT);
        if (!Arrays.asList("error", "warn", "info", "debug").contains(logLevel)) {
            throw new ConfigException(ConfigKey.LOG_LEVEL.key(), "'" + logLevel + "' is not a level (use error, warn, info or debug)");
        }
        requireKeySource();
        collectWarnings(raw);
    }

    /** Every key the agent accepts, given the names of its instrumentations. */
    public static Set<String> knownKeys(Set<String> instrumentationNames) {
        Set<String> keys = new HashSet<>();
        for (ConfigKey key : ConfigKey.values()) {
            keys.add(key.key());
        }
        for (String name : instrumentationNames) {
            keys.add(instrumentationKey(name));
        }
        return keys;
    }

    public static AgentConfig load(String agentArguments, Map<String, String> systemProperties,
                                   Map<String, String> environment, Set<String> instrumentationNames) {
        RawSettings raw = RawSettings.collect(agentArguments, systemProperties, environment, knownKeys(instrumentationNames));
        return new AgentConfig(raw, instrumentationNames);
    }

    /** Reads only the master switch, so that {@code enabled=false} installs nothing and checks nothing else. */
    public static boolean isEnabled(String agentArguments, Map<String, String> systemProperties,
                                    Map<String, String> environment, Set<String> instrumentationNames) {
        // enabled=false set above the file switches the agent off whatever the file holds: a file that
        // cannot be read (a volume not mounted) must not stop the application the switch was set to keep.
        RawSettings raw = RawSettings.collectSkippingAnUnreadableFile(agentArguments, systemProperties, environment,
                knownKeys(instrumentationNames));
        if (raw.unreadableFile() != null && raw.sourceOf(ConfigKey.ENABLED.key()) == RawSettings.Source.DEFAULT) {
            // The file may have been what said enabled=false: not known, so refused.
            throw raw.unreadableFile();
        }
        return bool(raw, ConfigKey.ENABLED);
    }

    static String instrumentationKey(String name) {
        return "instrumentation." + name + ".enabled";
    }

    private void requireKeySource() {
        boolean staticKeys = secret != null || publicKeyFile != null;
        if (!staticKeys && jwksUrl == null && issuers.isEmpty()) {
            throw new ConfigException("issuer", "no key source: set jwt.agent.issuer (OIDC discovery), jwt.agent.jwks-url, "
                    + "jwt.agent.public-key-file or jwt.agent.secret-file (or the secret in JWT_AGENT_SECRET)");
        }
        if (!staticKeys && issuers.isEmpty()) {
            throw new ConfigException("issuer", "required when keys come from jwt.agent.jwks-url");
        }
    }

    private void collectWarnings(RawSettings raw) {
        RawSettings.Source secretSource = raw.sourceOf(ConfigKey.SECRET.key());
        if (secretSource == RawSettings.Source.AGENT_ARGUMENT || secretSource == RawSettings.Source.SYSTEM_PROPERTY) {
            warnings.add("jwt.agent.secret is given on the command line, where process listings show it; "
                    + "prefer JWT_AGENT_SECRET or jwt.agent.secret-file");
        }
        warnOfIgnoredKeySources(raw);
        if (audiences.isEmpty()) {
            warnings.add("jwt.agent.audience is not set: tokens for any audience are accepted");
        }
        if (clockSkew.compareTo(LONG_CLOCK_SKEW) > 0) {
            // Leeway is seconds as a rule: 30m is most likely 30s mistyped, and every token would pass for that long after it expired.
            warnings.add("jwt.agent.clock-skew is " + value(raw, ConfigKey.CLOCK_SKEW).trim() + ": tokens are accepted for that long after"
                    + " they expire; a leeway is seconds as a rule (30m written for 30s?)");
        }
        if (allowedHosts.allowsEverything()) {
            warnings.add("jwt.agent.outbound.allowed-hosts contains '*': the token goes to every destination");
        }
        for (String block : allowedHosts.everyAddressBlocks()) {
            warnings.add("jwt.agent.outbound.allowed-hosts contains '" + block + "': the token goes to every destination"
                    + " addressed by an IP literal, public ones included");
        }
        String everyPath = excludedPaths.patternCoveringEveryPath();
        if (everyPath != null) {
            warnings.add("jwt.agent.inbound.exclude-paths holds '" + everyPath + "', which covers every path: no request is verified"
                    + " and none carries a token");
        }
        if (mode == Mode.MONITOR) {
            warnings.add("mode is monitor: invalid tokens are logged, not refused");
        }
    }

    /**
     * Key sources set beside the one in use are ignored (SPEC order). Said, because a secret left in
     * the environment beside a newly set key file or key set would otherwise go on verifying tokens
     * anybody holding it can sign, with nothing but "keys=secret" in the startup line to tell.
     */
    private void warnOfIgnoredKeySources(RawSettings raw) {
        List<String> ignored = new ArrayList<>();
        String inUse;
        if (secret != null) {
            inUse = raw.get(ConfigKey.SECRET.key()) != null ? ConfigKey.SECRET.key() : ConfigKey.SECRET_FILE.key();
            if (publicKeyFile != null) {
                ignored.add(ConfigKey.PUBLIC_KEY_FILE.key());
            }
        } else if (publicKeyFile != null) {
            inUse = ConfigKey.PUBLIC_KEY_FILE.key();
        } else {
            return;
        }
        if (jwksUrl != null) {
            ignored.add(ConfigKey.JWKS_URL.key());
        }
        if (!ignored.isEmpty()) {
            warnings.add("jwt.agent." + String.join(" and jwt.agent.", ignored) + (ignored.size() == 1 ? " is" : " are")
                    + " set but ignored: keys come from jwt.agent." + inUse
                    + " (key sources are tried in the order secret, public-key-file, jwks-url, issuer)");
        }
    }

    private static String value(RawSettings raw, ConfigKey key) {
        String v = raw.get(key.key());
        return v != null ? v : key.defaultValue();
    }

    private static boolean bool(RawSettings raw, ConfigKey key) {
        return parseBoolean(key.key(), value(raw, key));
    }

    private static boolean parseBoolean(String key, String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true")) return true;
        if (v.equals("false")) return false;
        throw new ConfigException(key, "'" + text + "' is not true or false");
    }

    private static List<String> list(RawSettings raw, ConfigKey key) {
        String v = value(raw, key);
        List<String> out = new ArrayList<>();
        if (v == null) {
            return Collections.unmodifiableList(out);
        }
        for (String part : v.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * A list that is set must name something: an empty value (an environment variable a template
     * left empty, say) read as unset would override the file's issuer or audience and switch
     * that check off without a word.
     */
    private static List<String> givenList(RawSettings raw, ConfigKey key) {
        List<String> items = list(raw, key);
        if (items.isEmpty() && raw.get(key.key()) != null) {
            throw new ConfigException(key.key(), "is set but names nothing (leave it unset for none)");
        }
        return items;
    }

    private static List<String> algorithms(RawSettings raw) {
        List<String> out = new ArrayList<>();
        for (String alg : givenList(raw, ConfigKey.ALGORITHMS)) {
            String upper = alg.toUpperCase(Locale.ROOT);
            if (!KNOWN_ALGORITHMS.contains(upper)) {
                throw new ConfigException(ConfigKey.ALGORITHMS.key(), "'" + alg + "' is not a supported algorithm (use " + String.join(", ", KNOWN_ALGORITHMS) + ")");
            }
            out.add(upper);
        }
        return Collections.unmodifiableList(out);
    }

    private static byte[] secret(RawSettings raw) {
        String inline = raw.get(ConfigKey.SECRET.key());
        String file = raw.get(ConfigKey.SECRET_FILE.key());
        if (inline != null && file != null) {
            throw new ConfigException(ConfigKey.SECRET.key(), "set either secret or secret-file, not both");
        }
        byte[] secret;
        ConfigKey key;
        if (inline != null) {
            secret = inline.getBytes(StandardCharsets.UTF_8);
            key = ConfigKey.SECRET;
        } else if (file != null) {
            Path path = readableFile(raw, ConfigKey.SECRET_FILE);
            byte[] bytes;
            try {
                bytes = readAll(path);
            } catch (IOException e) {
                throw new ConfigException(ConfigKey.SECRET_FILE.key(), "cannot read " + FileNames.shown(file));
            }
            secret = secretFileKey(bytes);
            if (startsWithByteOrderMark(bytes) && utf8Text(bytes) != null) {
                // A text file an editor began with a byte order mark: whether the signer's key holds those three
                // bytes cannot be known here, and guessing wrong refuses every token.
                throw new ConfigException(ConfigKey.SECRET_FILE.key(), FileNames.shown(file) + " starts with a UTF-8 byte order mark,"
                        + " which would be part of the key: save the file without one");
            }
            key = ConfigKey.SECRET_FILE;
        } else {
            return null;
        }
        if (secret.length < MIN_SECRET_BYTES) {
            throw new ConfigException(key.key(), "the secret must be at least " + MIN_SECRET_BYTES + " bytes (it has " + secret.length + ")");
        }
        if (isKeyDocument(secret)) {
            throw new ConfigException(key.key(), "holds a PEM block or a JWK, not a shared secret (anybody holding a public key could"
                    + " sign tokens with it as an HMAC key): give keys as public-key-file or jwks-url (the text is not quoted)");
        }
        return secret;
    }

    /**
     * Whether a secret is a key document: a PEM block (a public key, a certificate, a private key) or
     * a JWK or JWKS. The identity provider's public key given as the secret by mistake makes every
     * reader of that public key able to sign HS256 tokens the agent accepts.
     */
    static boolean isKeyDocument(byte[] secret) {
        String text = new String(secret, StandardCharsets.ISO_8859_1).strip();
        return text.contains("-----BEGIN ") || text.startsWith("{") && text.contains("\"kty\"");
    }

    /**
     * The key a secret file holds. Text (the whole file valid UTF-8) without the white space around
     * it, such as the newline an editor or {@code echo} leaves; any other file byte for byte, as
     * {@code head -c 32 /dev/urandom} writes it: decoded as text, each invalid byte would become the
     * same replacement character, and a key of such bytes one that anybody could sign with.
     */
    static byte[] secretFileKey(byte[] file) {
        String text = utf8Text(file);
        return text == null ? file.clone() : text.strip().getBytes(StandardCharsets.UTF_8);
    }

    /** The file as text when all of it is valid UTF-8, else null. */
    private static String utf8Text(byte[] file) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(file)).toString();
        } catch (java.nio.charset.CharacterCodingException binary) {
            return null;
        }
    }

    /** Whether text starts with the bytes EF BB BF that some editors write first into a UTF-8 file. */
    private static boolean startsWithByteOrderMark(byte[] file) {
        return file.length >= 3 && (file[0] & 0xff) == 0xEF && (file[1] & 0xff) == 0xBB && (file[2] & 0xff) == 0xBF;
    }

    /** A stream rather than {@code Files.readAllBytes}, whose file channel classes a JVM has not loaded at startup. */
    private static byte[] readAll(Path path) throws IOException {
        try (java.io.InputStream in = new java.io.FileInputStream(path.toFile())) {
            return in.readAllBytes();
        }
    }

    private static Path readableFile(RawSettings raw, ConfigKey key) {
        String v = raw.get(key.key());
        if (v == null) {
            return null;
        }
        Path path;
        try {
            path = Paths.get(v);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigException(key.key(), "cannot read " + FileNames.shown(v) + " (not a valid path)");
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ConfigException(key.key(), "cannot read " + FileNames.shown(v));
        }
        return path;
    }

    private static URI jwksUrl(RawSettings raw) {
        String v = raw.get(ConfigKey.JWKS_URL.key());
        if (v == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(v);
        } catch (URISyntaxException e) {
            // The URL is not quoted: its user info or query may hold credentials.
            throw new ConfigException(ConfigKey.JWKS_URL.key(), "is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "https":
                return uri;
            case "file":
                return readableJwksFile(uri);
            case "http":
                if (isLoopback(uri.getHost())) {
                    return uri;
                }
                throw new ConfigException(ConfigKey.JWKS_URL.key(), "http: is allowed only for loopback hosts; use https:");
            default:
                throw new ConfigException(ConfigKey.JWKS_URL.key(), "must be an https:, loopback http: or file: URL"
                        + (scheme.isEmpty() ? " (it has no scheme)" : " (it is " + scheme + ":)"));
        }
    }

    /**
     * A {@code file:} key set must be readable when the JVM starts, as a PEM file must: a missing
     * one (a volume not mounted, a typo) would otherwise start a service that refuses every token
     * while the keys thread retries. Its path is shown: a key set's location is not a secret.
     */
    private static URI readableJwksFile(URI uri) {
        Path path;
        try {
            path = Paths.get(uri);
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException | SecurityException e) {
            throw new ConfigException(ConfigKey.JWKS_URL.key(), "is not a file: URL of a local file (write it as file:/path/to/jwks.json)");
        }
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ConfigException(ConfigKey.JWKS_URL.key(), "cannot read file:" + uri.getPath()
                    + (Files.isDirectory(path) ? " (a directory, not a file)" : ""));
        }
        return uri;
    }

    /** {@code localhost}, {@code 127.x.y.z} or {@code ::1}, by the name alone. */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || isLoopbackQuad(h) || h.equals("[::1]") || h.equals("::1");
    }

    /** {@code 127.x.y.z}, each of x, y and z one to three digits. */
    private static boolean isLoopbackQuad(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                    return false;
                }
            }
        }
        return true;
    }

    private static Duration duration(RawSettings raw, ConfigKey key) {
        return Durations.parse(key.key(), value(raw, key));
    }

    /**
     * An interval between key fetches: under a second is most likely a unit mistyped ({@code 10ms}
     * for {@code 10m}), and would have the identity provider asked many times a second, or, for
     * the refetch limit, once per request that names an unknown {@code kid}.
     */
    private static Duration atLeastASecond(RawSettings raw, ConfigKey key) {
        Duration d = duration(raw, key);
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException(key.key(), "'" + value(raw, key) + "' is shorter than 1s (key fetches would come many times a second)");
        }
        return d;
    }

    private static Duration positiveDuration(RawSettings raw, ConfigKey key) {
        Duration d = duration(raw, key);
        if (d.isZero()) {
            throw new ConfigException(key.key(), "must be longer than zero");
        }
        return d;
    }

    private static int positiveInt(RawSettings raw, ConfigKey key) {
        String v = value(raw, key);
        try {
            int n = Integer.parseInt(v.trim());
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(key.key(), "'" + v + "' is not a positive whole number");
        }
    }

    private static String headerName(RawSettings raw, ConfigKey key) {
        String v = value(raw, key);
        if (!isToken(v)) {
            throw new ConfigException(key.key(), "'" + v + "' is not a valid HTTP header name");
        }
        if (RESERVED_HEADERS.contains(v.toLowerCase(Locale.ROOT))) {
            throw new ConfigException(key.key(), "'" + v + "' cannot carry the token: HTTP, a client or a proxy uses it for"
                    + " itself (cookies are never read, and a token as Content-Length or Host breaks or loses the request)");
        }
        return v;
    }

    /**
     * Headers that cannot carry the token: cookies (SPEC: never read; every browser request was refused as a malformed
     * header), the message's framing and host (the token in Content-Length broke every outbound call, in Host it was
     * dropped), hop-by-hop headers a proxy removes, and Proxy-Authorization, which a proxy, not an allowed host, receives.
     */
    private static final Set<String> RESERVED_HEADERS = Collections.unmodifiableSet(new HashSet<>(Arrays.asList(
            "cookie", "cookie2", "set-cookie", "set-cookie2", "host", "content-length", "content-type", "content-encoding",
            "transfer-encoding", "connection", "keep-alive", "proxy-connection", "upgrade", "te", "trailer", "expect",
            "proxy-authorization", "proxy-authenticate", "www-authenticate")));

    /** An RFC 9110 token: one or more of the letters, digits and {@code !#$%&'*+-.^_`|~}. */
    static boolean isToken(String v) {
        if (v.isEmpty()) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean alphanumeric = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            if (!alphanumeric && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> disabled(RawSettings raw, Set<String> instrumentationNames) {
        Set<String> off = new HashSet<>();
        for (String name : instrumentationNames) {
            String key = instrumentationKey(name);
            String v = raw.get(key);
            if (v != null && !parseBoolean(key, v)) {
                off.add(name);
            }
        }
        return Collections.unmodifiableSet(off);
    }

    public boolean enabled() { return enabled; }
    public Mode mode() { return mode; }
    public List<String> issuers() { return issuers; }
    public List<String> audiences() { return audiences; }
    public List<String> algorithms() { return algorithms; }
    /** A copy of the HMAC secret, or null. */
    public byte[] secret() { return secret == null ? null : secret.clone(); }
    public Path publicKeyFile() { return publicKeyFile; }
    public URI jwksUrl() { return jwksUrl; }
    public Duration jwksRefreshInterval() { return jwksRefreshInterval; }
    public Duration jwksMinRefetchInterval() { return jwksMinRefetchInterval; }
    public Duration jwksTimeout() { return jwksTimeout; }
    public Duration clockSkew() { return clockSkew; }
    public List<String> requiredClaims() { return requiredClaims; }
    public int maxTokenSize() { return maxTokenSize; }
    public String inboundHeader() { return inboundHeader; }
    public boolean inboundRequired() { return inboundRequired; }
    public PathPatterns excludedPaths() { return excludedPaths; }
    public String outboundHeader() { return outboundHeader; }
    public AllowedHosts allowedHosts() { return allowedHosts; }
    public boolean instrumentationEnabled(String name) { return !disabledInstrumentations.contains(name); }
    public String logLevel() { return logLevel; }
    /** Startup warnings: settings that work but deserve a second look. */
    public List<String> warnings() { return Collections.unmodifiableList(warnings); }
}
