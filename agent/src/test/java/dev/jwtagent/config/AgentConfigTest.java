package dev.jwtagent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentConfigTest {
    private static final Set<String> INSTRUMENTATIONS = Set.of("servlet-jakarta", "okhttp");
    private static final String SECRET = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private static Map<String, String> props(String... keyValues) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put("jwt.agent." + keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    private static AgentConfig load(String arguments, Map<String, String> properties, Map<String, String> environment) {
        return AgentConfig.load(arguments, properties, environment, INSTRUMENTATIONS);
    }

    private static AgentConfig withSecret(String... keyValues) {
        return load(null, props(keyValues), Map.of("JWT_AGENT_SECRET", SECRET));
    }

    private static ConfigException refused(String arguments, Map<String, String> properties, Map<String, String> environment) {
        return assertThrows(ConfigException.class, () -> load(arguments, properties, environment));
    }

    @Test
    void defaultsMatchTheSpecification() {
        AgentConfig config = withSecret();
        assertTrue(config.enabled());
        assertEquals(AgentConfig.Mode.ENFORCE, config.mode());
        assertEquals(Duration.ofMinutes(10), config.jwksRefreshInterval());
        assertEquals(Duration.ofSeconds(30), config.jwksMinRefetchInterval());
        assertEquals(Duration.ofSeconds(5), config.jwksTimeout());
        assertEquals(Duration.ofSeconds(30), config.clockSkew());
        assertEquals(8192, config.maxTokenSize());
        assertEquals("Authorization", config.inboundHeader());
        assertFalse(config.inboundRequired());
        assertTrue(config.excludedPaths().isEmpty());
        assertEquals("Authorization", config.outboundHeader());
        assertEquals(List.of("internal"), config.allowedHosts().entries());
        assertEquals("info", config.logLevel());
        assertTrue(config.instrumentationEnabled("okhttp"));
        assertEquals(List.of(), config.audiences());
    }

    @Test
    void agentArgumentBeatsSystemPropertyBeatsEnvironmentBeatsFile() throws IOException {
        Path file = dir.resolve("agent.properties");
        Files.writeString(file, "jwt.agent.clock-skew=1s\njwt.agent.max-token-size=100\nmode=monitor\njwks.timeout=7s\n");
        Map<String, String> environment = Map.of("JWT_AGENT_SECRET", SECRET, "JWT_AGENT_CLOCK_SKEW", "2s",
                "JWT_AGENT_MAX_TOKEN_SIZE", "200", "JWT_AGENT_CONFIG_FILE", file.toString());
        AgentConfig config = load("clock-skew=4s", props("clock-skew", "3s", "max-token-size", "300"), environment);
        assertEquals(Duration.ofSeconds(4), config.clockSkew(), "agent argument wins");
        assertEquals(300, config.maxTokenSize(), "system property beats environment");
        assertEquals(Duration.ofSeconds(7), config.jwksTimeout(), "file is read when nothing else sets the key");
        assertEquals(AgentConfig.Mode.MONITOR, config.mode());
    }

    @Test
    void agentArgumentsAreSemicolonSeparatedAndMayCarryThePrefix() {
        AgentConfig config = load("jwt.agent.audience=orders,billing; inbound.required=true", Map.of(), Map.of("JWT_AGENT_SECRET", SECRET));
        assertEquals(List.of("orders", "billing"), config.audiences());
        assertTrue(config.inboundRequired());
    }

    @Test
    void durationsAcceptEveryDocumentedForm() {
        assertEquals(Duration.ofMillis(500), Durations.parse("k", "500ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("k", "30s"));
        assertEquals(Duration.ofMinutes(10), Durations.parse("k", "10m"));
        assertEquals(Duration.ofHours(1), Durations.parse("k", "1h"));
        assertEquals(Duration.ofSeconds(45), Durations.parse("k", "45"));
        assertEquals(Duration.ofSeconds(7), Durations.parse("k", " 7s "), "surrounding blanks are not part of it");
        assertEquals(Duration.ofMillis(999_999_999), Durations.parse("k", "999999999ms"), "nine digits at most");
    }

    @Test
    void durationsOutsideTheDocumentedFormsAreRefused() {
        for (String bad : new String[] {"", "ms", "1d", "1.5s", "-1s", "+1s", "1 s", "1sec", "1S", "1000000000", "１s", "PT1M"}) {
            assertThrows(ConfigException.class, () -> Durations.parse("k", bad), bad);
        }
    }

    @Test
    void headerNamesAreRfc9110Tokens() {
        assertTrue(AgentConfig.isToken("Authorization"));
        assertTrue(AgentConfig.isToken("X-Forwarded-Token_2!#$%&'*+.^`|~"));
        for (String bad : new String[] {"", "X Token", "X:Token", "X-Tökén", "X\tToken", "X(Token)", "X/Token"}) {
            assertFalse(AgentConfig.isToken(bad), bad);
        }
    }

    @Test
    void loopbackHostsAreNamedOrWrittenAs127Quads() {
        for (String host : new String[] {"localhost", "LOCALHOST", "127.0.0.1", "127.255.255.254", "127.1.22.3", "::1", "[::1]"}) {
            assertTrue(AgentConfig.isLoopback(host), host);
        }
        for (String host : new String[] {"127.0.0", "127.0.0.1.5", "127.0.0.1000", "127..0.1", "128.0.0.1", "127.0.0.x", "localhost.example", "", "1270.0.0.1"}) {
            assertFalse(AgentConfig.isLoopback(host), host);
        }
        assertFalse(AgentConfig.isLoopback(null));
    }

    @Test
    void malformedDurationNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> withSecret("clock-skew", "thirty seconds"));
        assertEquals("jwt.agent.clock-skew: 'thirty seconds' is not a duration (use 500ms, 30s, 10m, 1h or plain seconds)", e.getMessage());
    }

    @Test
    void aDurationLongerThanThirtyDaysIsRefused() {
        for (String key : new String[] {"jwks.timeout", "jwks.min-refetch-interval", "jwks.refresh-interval", "clock-skew"}) {
            ConfigException e = assertThrows(ConfigException.class, () -> withSecret(key, "3000000h"));
            assertEquals("jwt.agent." + key + ": '3000000h' is longer than 30 days", e.getMessage());
        }
        assertEquals(Duration.ofDays(30), withSecret("jwks.refresh-interval", "720h").jwksRefreshInterval());
    }

    @Test
    void keyFetchIntervalsUnderASecondAreRefused() {
        for (String key : new String[] {"jwks.min-refetch-interval", "jwks.refresh-interval"}) {
            for (String value : new String[] {"10ms", "0", "999ms"}) {
                ConfigException e = assertThrows(ConfigException.class, () -> withSecret(key, value));
                assertEquals("jwt.agent." + key + ": '" + value + "' is shorter than 1s (key fetches would come many times a second)", e.getMessage());
            }
            withSecret(key, "1s");
        }
    }

    /** A leeway of minutes or more (30m typed for 30s) lets every token pass that long after it expired: said at startup. */
    @Test
    void aLongClockSkewGetsAStartupWarning() {
        for (String skew : List.of("30m", "1h", "301")) {
            List<String> warnings = withSecret("clock-skew", skew, "audience", "orders").warnings();
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).startsWith("jwt.agent.clock-skew is " + skew + ": tokens are accepted for that long"), warnings.get(0));
        }
        for (String skew : List.of("30s", "5m", "300", "0")) {
            assertEquals(List.of(), withSecret("clock-skew", skew, "audience", "orders").warnings(), skew);
        }
    }

    /** A CIDR block of prefix length 0 allows every IP literal, public ones included, as '*' does for names: said at startup. */
    @Test
    void aBlockOfEveryAddressGetsAStartupWarning() {
        for (String block : List.of("0.0.0.0/0", "::/0")) {
            List<String> warnings = withSecret("outbound.allowed-hosts", "internal," + block, "audience", "orders").warnings();
            assertEquals(List.of("jwt.agent.outbound.allowed-hosts contains '" + block + "': the token goes to every destination"
                    + " addressed by an IP literal, public ones included"), warnings);
        }
        for (String block : List.of("10.0.0.0/8", "0.0.0.0/1", "fd00::/8", "internal")) {
            assertEquals(List.of(), withSecret("outbound.allowed-hosts", block, "audience", "orders").warnings(), block);
        }
    }

    /** A header HTTP uses for itself cannot carry the token: cookies would be read, a Content-Length replaced by a token. */
    @Test
    void aHeaderThatCannotCarryTheTokenIsRefused() {
        for (String key : List.of("inbound.header", "outbound.header")) {
            for (String header : List.of("Cookie", "content-length", "Host", "Transfer-Encoding", "Proxy-Authorization", "Connection")) {
                ConfigException e = assertThrows(ConfigException.class, () -> withSecret(key, header));
                assertEquals("jwt.agent." + key + ": '" + header + "' cannot carry the token: HTTP, a client or a proxy uses it for itself"
                        + " (cookies are never read, and a token as Content-Length or Host breaks or loses the request)", e.getMessage());
            }
            assertEquals("X-Token", key.startsWith("in") ? withSecret(key, "X-Token").inboundHeader() : withSecret(key, "X-Token").outboundHeader());
            assertEquals("authorization", key.startsWith("in") ? withSecret(key, "authorization").inboundHeader()
                    : withSecret(key, "authorization").outboundHeader());
        }
    }

    @Test
    void unknownModeIsRefused() {
        assertEquals("jwt.agent.mode: 'audit' is not a mode (use enforce or monitor)", assertThrows(ConfigException.class,
                () -> withSecret("mode", "audit")).getMessage());
    }

    @Test
    void unknownKeyInSystemPropertiesIsRefused() {
        ConfigException e = refused(null, props("audiance", "orders"), Map.of("JWT_AGENT_SECRET", SECRET));
        assertEquals("jwt.agent.audiance: unknown setting", e.getMessage());
    }

    @Test
    void aSecretWithASemicolonInTheAgentArgumentsIsRefusedWithoutQuotingIt() {
        for (String tail : new String[]{"Q7x!pZr2vK9mWc4tLs8nBd1fHg6jYe3u", "x9=Q7x!pZr2vK9mWc4tLs8nBd1fHg6jYe3u"}) {
            ConfigException e = refused("secret=" + SECRET.substring(0, 8) + ";" + tail, Map.of(), Map.of());
            assertTrue(e.getMessage().startsWith("jwt.agent.secret: "), e.getMessage());
            assertFalse(e.getMessage().contains("Q7x") || e.getMessage().contains("x9") || e.getMessage().contains(SECRET.substring(0, 8)),
                    e.getMessage());
        }
        ConfigException typo = refused("mode=enforce;audiance=orders", Map.of(), Map.of("JWT_AGENT_SECRET", SECRET));
        assertEquals("jwt.agent.audiance: unknown setting", typo.getMessage(), "a setting that follows no secret is named");
    }

    @Test
    void aConfigurationFileThatIsASecretOrAKeyIsRefusedWithoutQuotingIt() throws IOException {
        String keyLine = "QByPsfb+CaefxGsV6Gpw7btx91aw7ECTCM11QYl8CPOChEyfNLB857g5bvfS/Ebb";
        for (String text : new String[] {"TopSecretHmacKeyMaterialXXXXXXXXXXXXXXXXX", SECRET, "c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
                "-----BEGIN RSA PRIVATE KEY-----\n" + keyLine + "\n-----END RSA PRIVATE KEY-----\n"}) {
            Path file = Files.writeString(dir.resolve("mistake.txt"), text);
            ConfigException e = refused(null, props("config-file", file.toString()), Map.of());
            assertEquals("jwt.agent.config-file: an entry of the configuration file names no setting"
                    + " (not quoted, as it may be a secret's or a key's text)", e.getMessage());
        }
        for (String passphrase : new String[] {"correct-horse-battery-staple", "letmein", "hunter.two"}) {
            Path file = Files.writeString(dir.resolve("passphrase.txt"), passphrase);
            ConfigException e = refused(null, props("config-file", file.toString()), Map.of());
            assertFalse(e.getMessage().contains(passphrase), e.getMessage());
        }
        Path typo = Files.writeString(dir.resolve("typo.properties"), "jwks.refresh-intervall=5m\nsecrt=x\n");
        String misspelt = refused(null, props("config-file", typo.toString()), Map.of("JWT_AGENT_SECRET", SECRET)).getMessage();
        assertTrue(misspelt.equals("jwt.agent.jwks.refresh-intervall: unknown setting") || misspelt.equals("jwt.agent.secrt: unknown setting"),
                "a misspelt setting is still named: " + misspelt);
    }

    /** A setting written without its group, misspelt or not, is named: the line says which of a file's lines is wrong. */
    @Test
    void aSettingWithoutItsGroupIsNamedInTheFileAndTheAgentArguments() throws IOException {
        for (String name : List.of("alowed-hosts", "allowed-hosts", "exclude-paths", "refresh-intervall", "header")) {
            Path file = Files.writeString(dir.resolve("groupless.properties"), name + "=x\n");
            assertEquals("jwt.agent." + name + ": unknown setting",
                    refused(null, props("config-file", file.toString()), Map.of("JWT_AGENT_SECRET", SECRET)).getMessage());
            assertEquals("jwt.agent." + name + ": unknown setting", refused(name + "=x", Map.of(), Map.of("JWT_AGENT_SECRET", SECRET)).getMessage());
        }
        for (String passphrase : List.of("lovely", "headers-and-tails-forever", "requirement")) {
            Path file = Files.writeString(dir.resolve("passphrase.properties"), passphrase);
            assertFalse(refused(null, props("config-file", file.toString()), Map.of()).getMessage().contains(passphrase), passphrase);
        }
    }

    @Test
    void agentArgumentsThatAreNoSettingAreNotQuoted() {
        ConfigException e = refused("secret:" + SECRET + "XYZ", Map.of(), Map.of());
        assertEquals("agent arguments: an argument is not key=value (not quoted, as it may be a secret's text)", e.getMessage());
        // Settings joined with ',' instead of ';' would put the secret among the audiences, which the startup line shows.
        for (String arguments : new String[] {"audience=orders,secret=" + SECRET, "mode=enforce, secret=" + SECRET,
                "audience=orders,  secret =" + SECRET, "audience=orders,jwt.agent.secret=" + SECRET, "mode=monitor,jwt.agent.secret=" + SECRET}) {
            ConfigException joined = refused(arguments, Map.of(), Map.of());
            assertFalse(joined.getMessage().contains(SECRET), joined.getMessage());
            assertTrue(joined.getMessage().contains("',secret=': agent arguments are separated by ';'"), joined.getMessage());
        }
    }

    @Test
    void aJwksUrlIsNeverQuotedInItsRefusal() {
        for (String url : new String[] {"ftp://user:S3cr3tPass@idp.example/jwks", "https://user:S3cr3tPass@idp example/jwks?api_key=K3Y"}) {
            ConfigException e = refused(null, props("jwks-url", url, "issuer", "https://idp.example"), Map.of());
            assertTrue(e.getMessage().startsWith("jwt.agent.jwks-url: "), e.getMessage());
            assertFalse(e.getMessage().contains("S3cr3t") || e.getMessage().contains("K3Y"), e.getMessage());
        }
    }

    @Test
    void aRefusedValueWithALineBreakStaysOnOneLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> withSecret("mode", "foo\nERROR forged line\r"));
        assertEquals("jwt.agent.mode: 'foo\\u000aerror forged line' is not a mode (use enforce or monitor)", e.getMessage());
        ConfigException nul = assertThrows(ConfigException.class, () -> withSecret("public-key-file", "/tmp/a\u0000b"));
        assertEquals("jwt.agent.public-key-file: cannot read '/tmp/a\\u0000b' (not a valid path)", nul.getMessage());
    }

    @Test
    void unknownEnvironmentVariableIsOnlyAWarning() {
        AgentConfig config = load(null, Map.of(), Map.of("JWT_AGENT_SECRET", SECRET, "JWT_AGENT_HOME", "/opt"));
        assertTrue(config.warnings().stream().anyMatch(w -> w.contains("JWT_AGENT_HOME")), config.warnings().toString());
    }

    @Test
    void missingKeySourceIsRefusedNamingTheSettings() {
        ConfigException e = refused(null, props("audience", "orders"), Map.of());
        assertTrue(e.getMessage().startsWith("jwt.agent.issuer: no key source"), e.getMessage());
    }

    @Test
    void jwksUrlNeedsAnIssuer() {
        ConfigException e = refused(null, props("jwks-url", "https://idp.example/keys"), Map.of());
        assertEquals("jwt.agent.issuer: required when keys come from jwt.agent.jwks-url", e.getMessage());
    }

    @Test
    void issuerAloneMeansOidcDiscovery() {
        AgentConfig config = load(null, props("issuer", "https://idp.example/realms/shop"), Map.of());
        assertEquals(List.of("https://idp.example/realms/shop"), config.issuers());
        assertNull(config.secret());
        assertNull(config.jwksUrl());
    }

    @Test
    void jwksUrlOverPlainHttpIsOnlyForLoopback() {
        assertEquals("http://127.0.0.1:8080/keys", load(null, props("issuer", "i", "jwks-url", "http://127.0.0.1:8080/keys"), Map.of())
                .jwksUrl().toString());
        ConfigException e = refused(null, props("issuer", "i", "jwks-url", "http://idp.example/keys"), Map.of());
        assertEquals("jwt.agent.jwks-url: http: is allowed only for loopback hosts; use https:", e.getMessage());
        assertTrue(refused(null, props("issuer", "i", "jwks-url", "ftp://idp/keys"), Map.of()).getMessage().startsWith("jwt.agent.jwks-url:"));
    }

    @Test
    void shortSecretIsRefused() {
        ConfigException e = refused(null, Map.of(), Map.of("JWT_AGENT_SECRET", "too-short"));
        assertEquals("jwt.agent.secret: the secret must be at least 32 bytes (it has 9)", e.getMessage());
    }

    @Test
    void secretFileIsReadWithoutItsTrailingNewline() throws IOException {
        Path file = dir.resolve("secret");
        Files.writeString(file, SECRET + "\n");
        AgentConfig config = load(null, props("secret-file", file.toString()), Map.of());
        assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8), config.secret());
        assertFalse(config.warnings().stream().anyMatch(w -> w.contains("command line")));
    }

    /** A file of random bytes, as {@code head -c 32 /dev/urandom} writes one, is the key byte for byte. */
    @Test
    void aBinarySecretFileIsTheKeyByteForByte() throws IOException {
        byte[] random = new byte[64];
        new java.security.SecureRandom().nextBytes(random);
        random[0] = (byte) 0xff; // never valid UTF-8
        random[63] = '\n';      // kept: only text loses the white space around it
        Path file = Files.write(dir.resolve("random.key"), random);
        assertArrayEquals(random, load(null, props("secret-file", file.toString()), Map.of()).secret());

        byte[] ff = new byte[40];
        java.util.Arrays.fill(ff, (byte) 0xff);
        byte[] eighty = new byte[40];
        java.util.Arrays.fill(eighty, (byte) 0x80);
        byte[] first = load(null, props("secret-file", Files.write(dir.resolve("ff.key"), ff).toString()), Map.of()).secret();
        byte[] second = load(null, props("secret-file", Files.write(dir.resolve("80.key"), eighty).toString()), Map.of()).secret();
        assertArrayEquals(ff, first);
        assertFalse(java.util.Arrays.equals(first, second), "two different binary files are two different keys");

        byte[] short11 = new byte[11];
        java.util.Arrays.fill(short11, (byte) 0xff);
        ConfigException e = refused(null, props("secret-file", Files.write(dir.resolve("short.key"), short11).toString()), Map.of());
        assertEquals("jwt.agent.secret-file: the secret must be at least 32 bytes (it has 11)", e.getMessage());
    }

    @Test
    void aSecretWhereAFilesPathBelongsIsNotQuoted() {
        String secret = "Q7xpZr2vK9mWc4tLs8nBd1fHg6jYe3uTa5oPi0";
        for (String key : List.of("secret-file", "public-key-file", "config-file")) {
            for (String value : List.of(secret, "Q7xp/" + secret, secret + "==", "/" + secret)) {
                ConfigException e = refused(null, props(key, value), Map.of());
                assertTrue(e.getMessage().startsWith("jwt.agent." + key + ": cannot read the file it names"), e.getMessage());
                assertFalse(e.getMessage().contains("Q7xp"), e.getMessage());
            }
        }
        String mistyped = dir.resolve("secert").toString();
        assertEquals("jwt.agent.secret-file: cannot read '" + mistyped + "'", refused(null, props("secret-file", mistyped), Map.of()).getMessage());
    }

    /**
     * A base64 secret that starts with "//" (bytes 0xff 0xfX, one secret in 4096) is a name in the root
     * directory only by the look of it: the root is not a directory that makes a value a mistyped path.
     */
    @Test
    void aSecretStartingWithTwoSlashesWhereAFilesPathBelongsIsNotQuoted() {
        String secret = "Q7xpZr2vK9mWc4tLs8nBd1fHg6jYe3uTa5oPi0";
        for (String key : List.of("secret-file", "public-key-file", "config-file")) {
            for (String value : List.of("//" + secret, "///" + secret)) {
                ConfigException e = refused(null, props(key, value), Map.of());
                assertTrue(e.getMessage().startsWith("jwt.agent." + key + ": cannot read the file it names"), e.getMessage());
                assertFalse(e.getMessage().contains("Q7xp"), e.getMessage());
            }
        }
    }

    @Test
    void aJwksFileThatCannotBeReadStopsTheJvmAsAPemFileDoes() throws IOException {
        String missing = dir.resolve("not-mounted/jwks.json").toUri().toString();
        assertEquals("jwt.agent.jwks-url: cannot read file:" + dir.resolve("not-mounted/jwks.json"),
                refused(null, props("jwks-url", missing, "issuer", "https://idp.example"), Map.of()).getMessage());
        assertEquals("jwt.agent.jwks-url: cannot read file:" + dir + "/ (a directory, not a file)",
                refused(null, props("jwks-url", dir.toUri().toString(), "issuer", "https://idp.example"), Map.of()).getMessage());
        assertEquals("jwt.agent.jwks-url: is not a file: URL of a local file (write it as file:/path/to/jwks.json)",
                refused(null, props("jwks-url", "file://server/share/jwks.json", "issuer", "https://idp.example"), Map.of()).getMessage());
        Path present = Files.writeString(dir.resolve("jwks.json"), "{\"keys\":[]}");
        assertEquals(present.toUri(), load(null, props("jwks-url", present.toUri().toString(), "issuer", "https://idp.example"), Map.of()).jwksUrl());
    }

    @Test
    void aDirectoryWhereAFileBelongsIsNamedAsOne() {
        // The root and a directory of the root were described as "no directory of that name exists".
        for (String directory : List.of("/", "/tmp", dir.toString())) {
            for (String key : List.of("secret-file", "public-key-file", "config-file")) {
                String message = refused(null, props(key, directory), Map.of()).getMessage();
                assertTrue(message.startsWith("jwt.agent." + key + ": cannot read '" + directory + "' (a directory, not a file)"), message);
            }
        }
    }

    @Test
    void aSettingGivenTwiceInTheConfigurationFileOrTheAgentArgumentsIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("agent.properties"), "jwt.agent.mode=monitor\nmode=enforce\n");
        assertEquals("jwt.agent.mode: set twice in the configuration file, with and without the jwt.agent. prefix",
                refused(null, props("config-file", file.toString()), Map.of("JWT_AGENT_SECRET", SECRET)).getMessage());
        assertEquals("jwt.agent.mode: set twice in the agent arguments",
                refused("mode=enforce;mode=monitor", Map.of(), Map.of("JWT_AGENT_SECRET", SECRET)).getMessage());
    }

    /** Properties keeps the last of two lines for one key; the first may be the one meant (an issuer check left above a stale copy). */
    @Test
    void aSettingWrittenTwiceInTheConfigurationFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("twice.properties"), "issuer=https://idp.example\naudience=orders\nissuer=https://old-idp.example\n");
        assertEquals("jwt.agent.issuer: set twice in the configuration file",
                refused(null, props("config-file", file.toString()), Map.of("JWT_AGENT_SECRET", SECRET)).getMessage());
        Path prefixed = Files.writeString(dir.resolve("twice-prefixed.properties"), "jwt.agent.audience=orders\njwt.agent.audience=billing\n");
        assertEquals("jwt.agent.audience: set twice in the configuration file",
                refused(null, props("config-file", prefixed.toString()), Map.of("JWT_AGENT_SECRET", SECRET)).getMessage());
        Path once = Files.writeString(dir.resolve("once.properties"), "issuer=https://idp.example\naudience=orders\n");
        assertEquals(List.of("https://idp.example"), load(null, props("config-file", once.toString()), Map.of("JWT_AGENT_SECRET", SECRET)).issuers());
    }

    /** One file is read: a file naming another (a shared one to chain) would drop that one's settings in silence. */
    @Test
    void aConfigurationFileThatNamesAnotherIsRefused() throws IOException {
        Path shared = Files.writeString(dir.resolve("shared.properties"), "audience=orders\n");
        for (String line : List.of("config-file=" + shared, "jwt.agent.config-file=" + shared, "config-file=" + dir.resolve("missing"))) {
            Path file = Files.writeString(dir.resolve("chained.properties"), "issuer=https://idp.example\n" + line + "\n");
            ConfigException e = refused(null, props("config-file", file.toString()), Map.of("JWT_AGENT_SECRET", SECRET));
            assertTrue(e.getMessage().startsWith("jwt.agent.config-file: is set in the configuration file"), e.getMessage());
        }
    }

    /** Properties refuses a malformed unicode escape; that is not a file the agent could not read. */
    @Test
    void aMalformedConfigurationFileIsNamedAsOne() throws IOException {
        Path file = Files.writeString(dir.resolve("malformed.properties"), "audience=orders\\u00g1\n");
        assertEquals("jwt.agent.config-file: '" + file + "' is not a valid properties file (a malformed \\uXXXX escape)",
                refused(null, props("config-file", file.toString()), Map.of("JWT_AGENT_SECRET", SECRET)).getMessage());
    }

    /** A secret file an editor began with a byte order mark: refused, not a key that refuses every token. */
    @Test
    void aSecretFileWithAByteOrderMarkIsRefusedWithoutQuotingIt() throws IOException {
        Path file = Files.write(dir.resolve("bom.key"), ("\uFEFF" + SECRET + "\n").getBytes(StandardCharsets.UTF_8));
        ConfigException e = refused(null, props("secret-file", file.toString()), Map.of());
        assertEquals("jwt.agent.secret-file: '" + file + "' starts with a UTF-8 byte order mark, which would be part of the key:"
                + " save the file without one", e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
        // Binary keys are byte for byte, whatever they start with.
        byte[] binary = new byte[40];
        java.util.Arrays.fill(binary, (byte) 0xff);
        binary[0] = (byte) 0xEF;
        binary[1] = (byte) 0xBB;
        binary[2] = (byte) 0xBF;
        assertArrayEquals(binary, load(null, props("secret-file", Files.write(dir.resolve("binary.key"), binary).toString()), Map.of()).secret());
    }

    @Test
    void anExclusionCoveringEveryPathIsWarnedOf() {
        AgentConfig everything = withSecret("inbound.exclude-paths", "/health,/**");
        assertTrue(everything.warnings().contains("jwt.agent.inbound.exclude-paths holds '/**', which covers every path: no request is"
                + " verified and none carries a token"), everything.warnings().toString());
        for (String some : List.of("/health", "/*", "/actuator/**", "/**/health")) {
            assertFalse(withSecret("inbound.exclude-paths", some).warnings().toString().contains("covers every path"), some);
        }
    }

    @Test
    void theConfigurationFileIsReadAsUtf8OrElseLatin1() throws IOException {
        String secret = "Grüße-aus-München-0123456789-abcdefgh";
        Path file = Files.writeString(dir.resolve("agent.properties"), "secret=" + secret + "\naudience=bestellungen-ä\n", StandardCharsets.UTF_8);
        AgentConfig config = load(null, props("config-file", file.toString()), Map.of());
        assertArrayEquals(secret.getBytes(StandardCharsets.UTF_8), config.secret());
        assertEquals(List.of("bestellungen-ä"), config.audiences());

        // Not UTF-8: read as ISO-8859-1, the format's old encoding, as before.
        Path latin1 = Files.write(dir.resolve("latin1.properties"), "# Schl\u00fcssel\naudience=bestellungen-\u00e4\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(List.of("bestellungen-ä"), load(null, props("config-file", latin1.toString()), Map.of("JWT_AGENT_SECRET", SECRET)).audiences());
    }

    /** A UTF-8 file that starts with a byte order mark, as Windows editors and PowerShell write one, is read as UTF-8. */
    @Test
    void aConfigurationFileWithAByteOrderMarkIsReadAsUtf8() throws IOException {
        for (String first : List.of("audience=orders\n", "# agent settings\naudience=orders\n")) {
            Path file = Files.write(dir.resolve("bom.properties"), ("\uFEFF" + first + "secret=" + SECRET + "\n").getBytes(StandardCharsets.UTF_8));
            AgentConfig config = load(null, props("config-file", file.toString()), Map.of());
            assertEquals(List.of("orders"), config.audiences());
            assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8), config.secret());
        }
    }

    @Test
    void unreadableFileIsRefused() {
        ConfigException e = refused(null, props("public-key-file", dir.resolve("missing.pem").toString()), Map.of());
        assertTrue(e.getMessage().startsWith("jwt.agent.public-key-file: cannot read"), e.getMessage());
    }

    /** The identity provider's public key given as the HMAC secret: anybody holding it could sign tokens. */
    @Test
    void aKeyDocumentGivenAsTheSecretIsRefusedWithoutQuotingIt() throws IOException {
        String body = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAko7QQQJ0Lqhi6XsV54X";
        String pem = "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
        String certificate = "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n";
        String jwks = "{\"keys\":[{\"kty\":\"RSA\",\"n\":\"" + body + "\",\"e\":\"AQAB\"}]}";
        for (String document : List.of(pem, certificate, jwks)) {
            ConfigException inline = refused(null, Map.of(), Map.of("JWT_AGENT_SECRET", document));
            assertTrue(inline.getMessage().startsWith("jwt.agent.secret: holds a PEM block or a JWK"), inline.getMessage());
            Path file = Files.writeString(dir.resolve("secret-" + document.length()), document);
            ConfigException fromFile = refused(null, props("secret-file", file.toString()), Map.of());
            assertTrue(fromFile.getMessage().startsWith("jwt.agent.secret-file: holds a PEM block or a JWK"), fromFile.getMessage());
            assertFalse(inline.getMessage().contains("MIIB") || fromFile.getMessage().contains("MIIB"), fromFile.getMessage());
        }
        assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8), load(null, Map.of(), Map.of("JWT_AGENT_SECRET", SECRET)).secret());
    }

    @Test
    void secretOnTheCommandLineGetsAWarning() {
        AgentConfig config = load(null, props("secret", SECRET), Map.of());
        assertTrue(config.warnings().stream().anyMatch(w -> w.contains("command line")), config.warnings().toString());
        assertFalse(config.warnings().toString().contains(SECRET), "a warning never repeats the secret");
    }

    /** A secret left in the environment beside a key file and key set set since: only the secret verifies, and the warning says so. */
    @Test
    void keySourcesShadowedByTheOneInUseGetAWarning() throws Exception {
        Path pem = Files.writeString(dir.resolve("keys.pem"), "-----BEGIN PUBLIC KEY-----");
        AgentConfig config = withSecret("public-key-file", pem.toString(), "jwks-url", "https://idp.example/keys", "issuer", "https://idp.example");
        assertTrue(config.warnings().contains("jwt.agent.public-key-file and jwt.agent.jwks-url are set but ignored: keys come from"
                + " jwt.agent.secret (key sources are tried in the order secret, public-key-file, jwks-url, issuer)"), config.warnings().toString());
        assertFalse(config.warnings().toString().contains(SECRET), "a warning never repeats the secret");
        AgentConfig pemAndJwks = load(null, props("public-key-file", pem.toString(), "jwks-url", "https://idp.example/keys", "issuer", "i"), Map.of());
        assertTrue(pemAndJwks.warnings().stream().anyMatch(w -> w.startsWith("jwt.agent.jwks-url is set but ignored: keys come from jwt.agent.public-key-file")),
                pemAndJwks.warnings().toString());
        assertFalse(withSecret("issuer", "https://idp.example").warnings().toString().contains("ignored"),
                "an issuer beside a secret is the accepted iss, not a key source left unused");
    }

    /**
     * A list given but naming nothing is refused, not read as unset: an empty JWT_AGENT_ISSUER above
     * a file that names the issuer dropped the issuer check without a word.
     */
    @Test
    void aListSettingGivenButEmptyIsRefusedNamingTheKey() throws IOException {
        Path file = Files.writeString(dir.resolve("agent.properties"), "issuer=https://idp.example\naudience=orders\n"
                + "algorithms=HS256\nrequired-claims=sub\ninbound.exclude-paths=/health\n");
        for (String key : List.of("issuer", "audience", "algorithms", "required-claims", "inbound.exclude-paths")) {
            for (String empty : List.of("", " ", ",", " , ")) {
                Map<String, String> environment = Map.of("JWT_AGENT_SECRET", SECRET, "JWT_AGENT_CONFIG_FILE", file.toString(),
                        ConfigKey.environmentName(key), empty);
                ConfigException e = refused(null, Map.of(), environment);
                assertTrue(e.getMessage().startsWith("jwt.agent." + key + ": "), e.getMessage());
                assertEquals("jwt.agent." + key, "jwt.agent." + e.key());
            }
        }
        assertEquals(List.of("https://idp.example"), load(null, props("config-file", file.toString()), Map.of("JWT_AGENT_SECRET", SECRET)).issuers(),
                "left unset, the file's value holds");
    }

    @Test
    void missingAudienceAndStarHostsGetWarnings() {
        AgentConfig config = withSecret("outbound.allowed-hosts", "*");
        assertTrue(config.warnings().stream().anyMatch(w -> w.contains("audience")));
        assertTrue(config.warnings().stream().anyMatch(w -> w.contains("'*'")));
    }

    @Test
    void badHostPatternIsRefusedNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> withSecret("outbound.allowed-hosts", "orders,10.0.0.0/40"));
        assertEquals("jwt.agent.outbound.allowed-hosts: '10.0.0.0/40' is not a valid CIDR block", e.getMessage());
    }

    @Test
    void badExcludePathIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> withSecret("inbound.exclude-paths", "health"));
        assertEquals("jwt.agent.inbound.exclude-paths: 'health' must start with '/'", e.getMessage());
    }

    @Test
    void noneIsNeverAnAllowedAlgorithm() {
        ConfigException e = assertThrows(ConfigException.class, () -> withSecret("algorithms", "HS256,none"));
        assertTrue(e.getMessage().startsWith("jwt.agent.algorithms: 'none' is not a supported algorithm"), e.getMessage());
    }

    @Test
    void booleansAreStrict() {
        assertEquals("jwt.agent.inbound.required: 'yes' is not true or false",
                assertThrows(ConfigException.class, () -> withSecret("inbound.required", "yes")).getMessage());
    }

    @Test
    void instrumentationsCanBeSwitchedOffByName() {
        AgentConfig config = withSecret("instrumentation.okhttp.enabled", "false");
        assertFalse(config.instrumentationEnabled("okhttp"));
        assertTrue(config.instrumentationEnabled("servlet-jakarta"));
        ConfigException e = assertThrows(ConfigException.class, () -> withSecret("instrumentation.grpc.enabled", "false"));
        assertEquals("jwt.agent.instrumentation.grpc.enabled: unknown setting", e.getMessage());
    }

    @Test
    void instrumentationSwitchFromTheEnvironment() {
        AgentConfig config = load(null, Map.of(), Map.of("JWT_AGENT_SECRET", SECRET, "JWT_AGENT_INSTRUMENTATION_SERVLET_JAKARTA_ENABLED", "false"));
        assertFalse(config.instrumentationEnabled("servlet-jakarta"));
    }

    @Test
    void disabledAgentNeedsNoOtherSetting() {
        assertFalse(AgentConfig.isEnabled("enabled=false", Map.of(), Map.of(), INSTRUMENTATIONS));
    }

    /**
     * README (configuration, enabled): a switched-off agent never stops the application over a value.
     * A configuration file that cannot be read (a volume not mounted) stopped it, although enabled=false
     * was set where the file could not override it.
     */
    @Test
    void enabledFalseAboveAnUnreadableConfigurationFileSwitchesTheAgentOff() {
        String missing = dir.resolve("not-mounted/jwt-agent.properties").toString();
        assertFalse(AgentConfig.isEnabled(null, props("enabled", "false", "config-file", missing), Map.of(), INSTRUMENTATIONS));
        assertFalse(AgentConfig.isEnabled("enabled=false;config-file=" + missing, Map.of(), Map.of(), INSTRUMENTATIONS));
        assertFalse(AgentConfig.isEnabled(null, Map.of(), Map.of("JWT_AGENT_ENABLED", "false", "JWT_AGENT_CONFIG_FILE", missing),
                INSTRUMENTATIONS));
        // Without the switch set elsewhere, the file may have been what said false: refused, as by the installer.
        ConfigException e = assertThrows(ConfigException.class,
                () -> AgentConfig.isEnabled(null, props("config-file", missing), Map.of(), INSTRUMENTATIONS));
        assertTrue(e.getMessage().startsWith("jwt.agent.config-file: cannot read"), e.getMessage());
        // An unknown name still stops the JVM, and the enabled agent still refuses the file.
        assertThrows(ConfigException.class,
                () -> AgentConfig.isEnabled(null, props("enabled", "false", "config-file", missing, "mdoe", "x"), Map.of(), INSTRUMENTATIONS));
        assertThrows(ConfigException.class, () -> load(null, props("enabled", "true", "config-file", missing, "secret", SECRET), Map.of()));
    }

    @Test
    void badHeaderNameIsRefused() {
        assertTrue(assertThrows(ConfigException.class, () -> withSecret("outbound.header", "X Token")).getMessage()
                .startsWith("jwt.agent.outbound.header:"));
    }
}
