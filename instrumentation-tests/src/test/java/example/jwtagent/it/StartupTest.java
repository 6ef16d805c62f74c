package example.jwtagent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the agent starts, or refuses to, in a JVM of its own: a bad setting stops the JVM with
 * one line naming the key; a good one prints one startup line without the secret.
 */
class StartupTest {

    /** The application: it only says hello, so any other output is the agent's. */
    public static final class Hello {
        public static void main(String[] args) {
            System.out.println("hello from the application");
        }
    }

    /** Runs one task on a thread pool of its own: the agent rewrites ThreadPoolExecutor and FutureTask as they load. */
    public static final class PoolUser {
        public static void main(String[] args) throws Exception {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
            System.out.println(pool.submit(() -> "ran on the pool").get());
            pool.shutdown();
        }
    }

    /** Says whether java.base exports the HTTP client's header package to the agent's bridge, before and after opening a connection. */
    public static final class ExportProbe {
        public static void main(String[] args) throws Exception {
            Module bridge = Class.forName("dev.jwtagent.bootstrap.AgentBridge", false, null).getModule();
            System.out.println("exported at startup: " + Object.class.getModule().isExported("sun.net.www", bridge));
            java.net.URI.create("http://127.0.0.1:9/").toURL().openConnection();
            System.out.println("exported once used: " + Object.class.getModule().isExported("sun.net.www", bridge));
        }
    }

    private static AgentLaunch launch(String agentArguments, String... systemProperties) throws IOException, InterruptedException {
        return launchWithClassPath(System.getProperty("java.class.path"), agentArguments, systemProperties);
    }

    private static AgentLaunch launchWithClassPath(String classPath, String agentArguments, String... systemProperties)
            throws IOException, InterruptedException {
        return launchMain(Hello.class, classPath, agentArguments, systemProperties);
    }

    private static AgentLaunch launchMain(Class<?> main, String classPath, String agentArguments, String... systemProperties)
            throws IOException, InterruptedException {
        return AgentLaunch.run(main, classPath, agentArguments, Map.of(), systemProperties);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "-Djwt.agent.mode=audit|jwt.agent.mode: 'audit' is not a mode",
            "-Djwt.agent.clock-skew=soon|jwt.agent.clock-skew: 'soon' is not a duration",
            "-Djwt.agent.outbound.allowed-hosts=10.0.0.0/99|jwt.agent.outbound.allowed-hosts: '10.0.0.0/99' is not a valid CIDR block",
            "-Djwt.agent.public-key-file=/no/such/file.pem|jwt.agent.public-key-file: cannot read",
            "-Djwt.agent.jwks-url=file:/no/such/jwks.json|jwt.agent.jwks-url: cannot read file:/no/such/jwks.json",
            "-Djwt.agent.config-file=/tmp|jwt.agent.config-file: cannot read '/tmp' (a directory, not a file)",
            "-Djwt.agent.jwks-url=http://idp.example/keys|jwt.agent.jwks-url: http: is allowed only for loopback hosts",
            "-Djwt.agent.audiance=orders|jwt.agent.audiance: unknown setting",
            "-Djwt.agent.inbound.required=maybe|jwt.agent.inbound.required: 'maybe' is not true or false",
            "-Djwt.agent.algorithms=HS256,HS512|jwt.agent.algorithms: HS512 needs a secret of at least 64 bytes",
            "-Djwt.agent.jwks.timeout=3000000h|jwt.agent.jwks.timeout: '3000000h' is longer than 30 days",
            "-Djwt.agent.outbound.allowed-hosts=010.0.0.1|jwt.agent.outbound.allowed-hosts: '010.0.0.1' is neither a host name nor a canonical IP address"})
    void badSettingStopsTheJvmWithOneLineNamingTheKey(String setting, String expected) throws Exception {
        AgentLaunch run = launch(null, "-Djwt.agent.secret-file=" + System.getProperty("it.secret.file"), setting);
        assertNotEquals(0, run.exitCode, "the JVM must not start the application");
        assertFalse(run.stdout.contains("hello from the application"), run.stdout);
        assertEquals(1, run.agentLines().size(), run.stderr);
        assertTrue(run.agentLines().get(0).contains("refusing to start: " + expected), run.stderr);
    }

    @Test
    void aKeySetFileWithoutAUsableKeyStopsTheJvm(@TempDir Path directory) throws Exception {
        Path keys = Files.writeString(directory.resolve("jwks.json"), "{\"keys\":[]}");
        AgentLaunch run = launch(null, "-Djwt.agent.jwks-url=" + keys.toUri(), "-Djwt.agent.issuer=https://issuer.test");
        assertNotEquals(0, run.exitCode, "the JVM must not start a service that refuses every token");
        assertFalse(run.stdout.contains("hello from the application"), run.stdout);
        assertEquals(1, run.agentLines().size(), run.stderr);
        assertTrue(run.agentLines().get(0).contains("refusing to start: jwt.agent.jwks-url: file:" + keys.toUri().getPath()
                + " holds no signing key usable with "), run.stderr);
    }

    @Test
    void missingKeySourceStopsTheJvmNamingTheSettings() throws Exception {
        AgentLaunch run = launch(null, "-Djwt.agent.audience=orders");
        assertNotEquals(0, run.exitCode);
        assertEquals(1, run.agentLines().size(), run.stderr);
        assertTrue(run.agentLines().get(0).contains("jwt.agent.issuer: no key source"), run.stderr);
    }

    @Test
    void weakSecretStopsTheJvm() throws Exception {
        AgentLaunch run = launch("secret=short");
        assertNotEquals(0, run.exitCode);
        assertTrue(run.stderr.contains("jwt.agent.secret: the secret must be at least 32 bytes"), run.stderr);
    }

    @Test
    void refusalsQuoteNoSecretTextAndStayOneLine(@TempDir Path directory) throws Exception {
        String secret = "Q7xpZr2vK9mWc4tLs8nBd1fHg6jYe3uTa5oPi0";
        Path mistake = Files.writeString(directory.resolve("secret.txt"), secret + "\n");
        String[][] launches = {
            {null, "-Djwt.agent.config-file=" + mistake},
            {"audience=orders,secret=" + secret, "-Djwt.agent.issuer=https://issuer.test"},
            {null, "-Djwt.agent.jwks-url=ftp://user:" + secret + "@idp.example/keys", "-Djwt.agent.issuer=https://idp.example"},
            {null, "-Djwt.agent.secret-file=" + System.getProperty("it.secret.file"), "-Djwt.agent.mode=audit\n2026-11-30 ERROR " + secret},
            // A secret where a file's path belongs (bound to JWT_AGENT_SECRET_FILE by mistake, say).
            {null, "-Djwt.agent.secret-file=" + secret},
            {null, "-Djwt.agent.secret-file=Q7xp/" + secret},
            // A base64 secret may start with "//": in the root directory only by the look of it.
            {null, "-Djwt.agent.secret-file=//" + secret},
            {null, "-Djwt.agent.config-file=" + secret},
            {null, "-Djwt.agent.public-key-file=" + secret},
            // The secret's file given as the key set: refused for what it is not, its text not shown.
            {null, "-Djwt.agent.jwks-url=" + mistake.toUri(), "-Djwt.agent.issuer=https://issuer.test"},
        };
        for (String[] launch : launches) {
            AgentLaunch run = launch(launch[0], Arrays.copyOfRange(launch, 1, launch.length));
            assertNotEquals(0, run.exitCode, run.stderr);
            assertEquals(1, run.agentLines().size(), run.stderr);
            assertTrue(run.agentLines().get(0).contains("refusing to start: "), run.stderr);
            assertFalse(run.stderr.contains(secret) || run.stderr.contains("Q7xp"), run.stderr);
            assertFalse(run.stderr.contains("\n2026-11-30 ERROR"), "a refused value does not forge a line: " + run.stderr);
        }
    }

    /**
     * Files a person edits by hand: a key written twice, a broken escape, an editor's byte order mark before a secret, a
     * private key left beside the public one.
     */
    @Test
    void handEditedFilesThatWouldMisleadStopTheJvmNamingWhy(@TempDir Path directory) throws Exception {
        String secret = "Q7xpZr2vK9mWc4tLs8nBd1fHg6jYe3uTa5oPi0";
        Path twice = Files.writeString(directory.resolve("twice.properties"), "issuer=https://idp.example\nissuer=https://old.example\n");
        Path malformed = Files.writeString(directory.resolve("malformed.properties"), "audience=orders\\uZZZZ\n");
        Path bom = Files.write(directory.resolve("bom.key"), ("\uFEFF" + secret + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        java.security.KeyPair rsa = generator.generateKeyPair();
        Path keys = Files.writeString(directory.resolve("keys.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(rsa.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n"
                + "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,3F17F5316E2BAC89\n\n"
                + Base64.getMimeEncoder().encodeToString(rsa.getPrivate().getEncoded()) + "\n-----END RSA PRIVATE KEY-----\n");
        String secretFile = "-Djwt.agent.secret-file=" + System.getProperty("it.secret.file");
        String[][] launches = { // what the line says, then the settings
            {"jwt.agent.issuer: set twice in the configuration file", secretFile, "-Djwt.agent.config-file=" + twice},
            {"jwt.agent.config-file: '" + malformed + "' is not a valid properties file", secretFile, "-Djwt.agent.config-file=" + malformed},
            {"jwt.agent.secret-file: '" + bom + "' starts with a UTF-8 byte order mark", "-Djwt.agent.secret-file=" + bom},
            // An encrypted private key left in the key file: its headers made it no block to read, and it was passed over.
            {"jwt.agent.public-key-file: contains a PEM block of type RSA PRIVATE KEY;", "-Djwt.agent.public-key-file=" + keys,
                "-Djwt.agent.issuer=https://issuer.test"},
        };
        for (String[] launch : launches) {
            AgentLaunch run = launch(null, Arrays.copyOfRange(launch, 1, launch.length));
            assertNotEquals(0, run.exitCode, run.stderr);
            assertFalse(run.stdout.contains("hello from the application"), run.stdout);
            assertEquals(1, run.agentLines().size(), run.stderr);
            assertTrue(run.agentLines().get(0).contains("refusing to start: " + launch[0]), run.stderr);
            assertFalse(run.stderr.contains(secret), run.stderr);
        }
    }

    @Test
    void anExclusionOfEveryPathStartsWithAWarning() throws Exception {
        AgentLaunch run = launch("secret-file=" + System.getProperty("it.secret.file") + ";audience=orders;inbound.exclude-paths=/**");
        assertEquals(0, run.exitCode, run.stderr);
        assertTrue(run.stdout.contains("hello from the application"), run.stdout);
        assertTrue(run.stderr.contains(" WARN jwt-agent.startup - jwt.agent.inbound.exclude-paths holds '/**', which covers every path"),
                run.stderr);
    }

    @Test
    void aMistypedPathInAnExistingDirectoryIsShownInTheRefusal(@TempDir Path directory) throws Exception {
        String missing = directory.resolve("secert.txt").toString();
        AgentLaunch run = launch(null, "-Djwt.agent.secret-file=" + missing);
        assertNotEquals(0, run.exitCode);
        assertEquals(1, run.agentLines().size(), run.stderr);
        assertTrue(run.agentLines().get(0).contains("jwt.agent.secret-file: cannot read '" + missing + "'"), run.stderr);
    }

    @Test
    void theStartupLineShowsIssuersWithoutUserInfoOrQuery() throws Exception {
        AgentLaunch run = launch("secret=startup-test-secret-0123456789-abcdef;audience=orders;"
                + "issuer=https://issuer.test,https://svc:S3cr3tPw@idp.example/realm?api_key=K3Y");
        assertEquals(0, run.exitCode, run.stderr);
        assertTrue(run.stderr.contains("issuers=https://issuer.test,https://idp.example/realm,"), run.stderr);
        assertFalse(run.stderr.contains("S3cr3tPw") || run.stderr.contains("K3Y"), run.stderr);
    }

    @Test
    void aSecretWithASemicolonInTheAgentArgumentsStopsTheJvmWithoutShowingIt() throws Exception {
        AgentLaunch run = launch("secret=Q7xpZr2vK9mWc4tLs8;nBd1fHg6jYe3uTa5oPi0");
        assertNotEquals(0, run.exitCode);
        assertEquals(1, run.agentLines().size(), run.stderr);
        assertTrue(run.agentLines().get(0).contains("refusing to start: jwt.agent.secret: "), run.stderr);
        assertFalse(run.stderr.contains("Q7xp") || run.stderr.contains("nBd1"), run.stderr);
    }

    /**
     * The agent given twice (a platform's JAVA_TOOL_OPTIONS and the service's own -javaagent): before,
     * the second copy replaced the first's policies, so its mode=monitor let forged tokens through a
     * JVM whose first agent enforced, with both startup lines printed.
     */
    @Test
    void theAgentGivenTwiceStopsTheJvm() throws Exception {
        AgentLaunch run = launch("secret-file=" + System.getProperty("it.secret.file") + ";audience=orders",
                "-javaagent:" + System.getProperty("agent.jar") + "=secret-file=" + System.getProperty("it.secret.file")
                        + ";audience=orders;mode=monitor");
        assertNotEquals(0, run.exitCode, run.stderr);
        assertFalse(run.stdout.contains("hello from the application"), run.stdout);
        assertFalse(run.stderr.contains("mode=monitor"), "the second copy's settings are never put in force: " + run.stderr);
        assertEquals(1, run.agentLines().stream().filter(line -> line.contains("refusing to start: the agent is already installed")).count(),
                run.stderr);
    }

    /**
     * The second copy switched off (a service opting out of a platform's JAVA_TOOL_OPTIONS agent): the
     * first goes on enforcing, so the JVM must not run with a line saying "disabled ... nothing installed".
     */
    @Test
    void theAgentGivenTwiceTheSecondSwitchedOffStopsTheJvm() throws Exception {
        AgentLaunch run = launch("secret-file=" + System.getProperty("it.secret.file") + ";audience=orders",
                "-javaagent:" + System.getProperty("agent.jar") + "=enabled=false");
        assertNotEquals(0, run.exitCode, run.stderr);
        assertFalse(run.stdout.contains("hello from the application"), run.stdout);
        assertFalse(run.stderr.contains("nothing installed"), run.stderr);
        assertEquals(1, run.agentLines().stream().filter(line -> line.contains("refusing to start: the agent is already installed")).count(),
                run.stderr);
    }

    /** A first copy switched off installs nothing: the second is then the only one, and starts (the safe side). */
    @Test
    void theAgentGivenTwiceTheFirstSwitchedOffStartsTheSecond() throws Exception {
        AgentLaunch run = launch("enabled=false",
                "-javaagent:" + System.getProperty("agent.jar") + "=secret-file=" + System.getProperty("it.secret.file") + ";audience=orders");
        assertEquals(0, run.exitCode, run.stderr);
        assertTrue(run.stdout.contains("hello from the application"), run.stdout);
        assertTrue(run.stderr.contains("nothing installed"), run.stderr);
        assertEquals(1, run.agentLines().stream().filter(line -> line.contains(" started in ") && line.contains("mode=enforce")).count(),
                run.stderr);
    }

    /** SPEC 6: startup prints one line, also when the log level leaves info lines out (it printed none). */
    @ParameterizedTest
    @CsvSource({"warn", "error"})
    void theStartupLineIsPrintedAtEveryLogLevel(String level) throws Exception {
        AgentLaunch run = launch("secret-file=" + System.getProperty("it.secret.file") + ";audience=orders;log.level=" + level);
        assertEquals(0, run.exitCode, run.stderr);
        assertEquals(1, run.stderr.split(" INFO jwt-agent.startup - jwt-agent .* started in ", -1).length - 1, run.stderr);
    }

    /** The startup logger prints at every level for the startup line's sake; its warnings follow log.level (at error, two were printed). */
    @ParameterizedTest
    @CsvSource({"warn,1", "error,0"})
    void startupWarningsFollowTheLogLevel(String level, int warnings) throws Exception {
        AgentLaunch run = launch("secret-file=" + System.getProperty("it.secret.file") + ";log.level=" + level);
        assertEquals(0, run.exitCode, run.stderr);
        assertEquals(warnings, run.stderr.split(" WARN jwt-agent.startup - jwt.agent.audience is not set", -1).length - 1, run.stderr);
        assertEquals(1, run.stderr.split(" INFO jwt-agent.startup - jwt-agent .* started in ", -1).length - 1, run.stderr);
    }

    @Test
    void goodSettingsPrintOneStartupLineWithoutTheSecret() throws Exception {
        String secret = "startup-test-secret-0123456789-abcdef";
        AgentLaunch run = launch("secret=" + secret + ";audience=orders;issuer=https://issuer.test");
        assertEquals(0, run.exitCode, run.stderr);
        assertTrue(run.stdout.contains("hello from the application"));
        List<String> started = new ArrayList<>();
        for (String line : run.agentLines()) {
            if (line.contains(" started in ")) {
                started.add(line);
            }
        }
        assertEquals(1, started.size(), run.stderr);
        String line = started.get(0);
        for (String part : List.of("mode=enforce", "keys=secret", "issuers=https://issuer.test", "audiences=orders",
                "allowed-hosts=internal", "instrumentations=", "servlet-jakarta", "java-http-client")) {
            assertTrue(line.contains(part), part + " missing from: " + line);
        }
        assertFalse(run.stderr.contains(secret), "the secret must never be printed");
        assertTrue(run.stderr.contains("command line"), "a secret on the command line gets a warning: " + run.stderr);
    }

    @Test
    void anRsaPemKeyIsReadWithoutStartingTheSecurityProviders(@TempDir Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        Path pem = dir.resolve("key.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        AgentLaunch run = launch(null, "-Djwt.agent.public-key-file=" + pem, "-Djwt.agent.issuer=https://issuer.test", "-verbose:class");
        assertEquals(0, run.exitCode, run.stderr);
        assertEquals(1, run.agentLines().stream().filter(line -> line.contains(" started in ")).count(), run.stderr);
        // -verbose:class lists each class as it is loaded, on standard output, before the application's line.
        String beforeApplication = run.stdout.substring(0, run.stdout.indexOf("hello from the application"));
        assertTrue(beforeApplication.contains(" dev.jwtagent.verify.ParsedRsaPublicKey "), "the key file was read at startup");
        assertFalse(beforeApplication.contains(" sun.security.jca.ProviderList "),
                "the JCA providers start when the first signature is checked, not in premain");
    }

    @Test
    void theAgentLoadsNoExecutorClassNorClientAdviceThatTheApplicationDoesNotUse() throws Exception {
        // Loaded before the agent's transformer, such a class would have to be rewritten again on the
        // first request with a token (tens of milliseconds); loaded by the application, it is rewritten as it loads.
        AgentLaunch run = launch("secret=startup-test-secret-0123456789-abcdef;issuer=https://issuer.test", "-verbose:class");
        assertEquals(0, run.exitCode, run.stderr);
        assertTrue(run.stderr.contains(" started in "), run.stderr);
        String beforeApplication = run.stdout.substring(0, run.stdout.indexOf("hello from the application"));
        assertTrue(beforeApplication.contains(" dev.jwtagent.bootstrap.TokenTasks "), "the hand-off hooks are loaded at startup");
        for (String unused : List.of("java.util.concurrent.ThreadPoolExecutor", "java.util.concurrent.FutureTask",
                "java.util.concurrent.CompletableFuture")) {
            assertFalse(beforeApplication.contains(" " + unused + " "), unused + " was loaded though the application never uses it");
        }
        // Nor the HTTP clients' advice: read when a class it applies to loads.
        java.util.regex.Matcher advice = java.util.regex.Pattern.compile(" dev\\.jwtagent\\.outbound\\.\\S*Advice\\S* ").matcher(beforeApplication);
        assertFalse(advice.find(), () -> "loaded at startup:" + advice.group());
    }

    @Test
    void weavingTheApplicationsThreadPoolLoadsNoByteBuddyClassButItsAsm() throws Exception {
        // Byte Buddy's own classes (its class file version table among them) are for the HTTP clients'
        // advice; the executors are rewritten with the ASM it carries, and nothing else of it loads.
        AgentLaunch run = launchMain(PoolUser.class, System.getProperty("java.class.path"),
                "secret=startup-test-secret-0123456789-abcdef;issuer=https://issuer.test", "-verbose:class",
                "-Djwt.agent.log.level=debug");
        assertEquals(0, run.exitCode, run.stderr);
        assertTrue(run.stdout.contains("ran on the pool"), run.stdout);
        assertTrue(run.stderr.contains("instrumented java.util.concurrent.ThreadPoolExecutor"), run.stderr);
        assertTrue(run.stdout.contains(" dev.jwtagent.shaded.bytebuddy.jar.asm.ClassReader "), "woven with ASM: " + run.stdout);
        java.util.regex.Matcher byteBuddy = java.util.regex.Pattern.compile(" dev\\.jwtagent\\.shaded\\.bytebuddy\\.(?!jar\\.asm\\.)\\S+ ")
                .matcher(run.stdout);
        assertFalse(byteBuddy.find(), () -> "loaded: " + byteBuddy.group());
    }

    @Test
    void theJdkHeaderPackageIsExportedToTheAgentOnlyWhenTheApplicationUsesTheClient() throws Exception {
        // The module update costs a starting JVM about ten milliseconds; most services never use HttpURLConnection.
        AgentLaunch run = launchMain(ExportProbe.class, System.getProperty("java.class.path"),
                "secret=startup-test-secret-0123456789-abcdef;issuer=https://issuer.test");
        assertEquals(0, run.exitCode, run.stderr);
        assertTrue(run.stdout.contains("exported at startup: false"), run.stdout);
        assertTrue(run.stdout.contains("exported once used: true"), run.stdout);
    }

    @Test
    void anApplicationsSimpleLoggerPropertiesDoNotConfigureTheAgentsLogging(@TempDir Path application) throws Exception {
        // The application's own SLF4J simple settings, and the same settings under the agent's relocated names.
        Files.writeString(application.resolve("simplelogger.properties"), String.join("\n",
                "org.slf4j.simpleLogger.levelInBrackets=true",
                "org.slf4j.simpleLogger.warnLevelString=CAUTION",
                "dev.jwtagent.shaded.slf4j.simpleLogger.levelInBrackets=true",
                "dev.jwtagent.shaded.slf4j.simpleLogger.warnLevelString=CAUTION",
                ""));
        AgentLaunch run = launchWithClassPath(application + java.io.File.pathSeparator + System.getProperty("java.class.path"),
                "secret=startup-test-secret-0123456789-abcdef;issuer=https://issuer.test");
        assertEquals(0, run.exitCode, run.stderr);
        assertTrue(run.stderr.contains(" INFO jwt-agent.startup - jwt-agent "), run.stderr);
        assertTrue(run.stderr.contains(" WARN jwt-agent.startup - jwt.agent.audience is not set"), "a warning as the agent writes it: " + run.stderr);
        assertFalse(run.stderr.contains("[INFO]") || run.stderr.contains("CAUTION"), run.stderr);
    }

    /**
     * The JVM grants an agent the capabilities its manifest asks for. The agent retransforms classes
     * loaded before it; it never redefines a class nor prefixes native methods, so it does not ask
     * for either (every instrumentation test here runs without them).
     */
    @Test
    void theAgentJarAsksTheJvmOnlyForRetransformation() throws Exception {
        try (JarFile jar = new JarFile(System.getProperty("agent.jar"))) {
            Attributes manifest = jar.getManifest().getMainAttributes();
            assertEquals("true", manifest.getValue("Can-Retransform-Classes"));
            assertNull(manifest.getValue("Can-Redefine-Classes"), "Can-Redefine-Classes");
            assertNull(manifest.getValue("Can-Set-Native-Method-Prefix"), "Can-Set-Native-Method-Prefix");
        }
    }

    @Test
    void disabledAgentInstallsNothing() throws Exception {
        AgentLaunch run = launch("enabled=false");
        assertEquals(0, run.exitCode, run.stderr);
        assertTrue(run.stdout.contains("hello from the application"));
        assertTrue(run.stderr.contains("disabled by jwt.agent.enabled=false"), run.stderr);
        assertFalse(run.stderr.contains(" started in "), run.stderr);
    }

    @Test
    void disabledBySystemPropertyOrConfigurationFileInstallsNothing(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("jwt-agent.properties");
        Files.writeString(file, "jwt.agent.enabled=false\n");
        for (AgentLaunch run : List.of(launch(null, "-Djwt.agent.enabled=false"), launch(null, "-Djwt.agent.config-file=" + file))) {
            assertEquals(0, run.exitCode, run.stderr);
            assertTrue(run.stdout.contains("hello from the application"));
            assertTrue(run.stderr.contains("disabled by jwt.agent.enabled=false"), run.stderr);
            assertFalse(run.stderr.contains(" started in "), run.stderr);
            assertFalse(run.stderr.contains("Sharing is only supported"), "nothing put on the bootstrap class path: " + run.stderr);
        }
    }

    /**
     * The switch set to keep the application running while the configuration file is missing (a
     * volume not mounted) keeps it running: it used to stop the JVM, refusing the unreadable file.
     */
    @Test
    void disabledAboveAnUnreadableConfigurationFileStillLetsTheApplicationRun(@TempDir Path directory) throws Exception {
        AgentLaunch run = launch(null, "-Djwt.agent.enabled=false", "-Djwt.agent.config-file=" + directory.resolve("missing/jwt-agent.properties"));
        assertEquals(0, run.exitCode, run.stderr);
        assertTrue(run.stdout.contains("hello from the application"));
        assertTrue(run.stderr.contains("disabled by jwt.agent.enabled=false"), run.stderr);
    }

    @Test
    void commandLineChecksAConfiguration() throws Exception {
        List<String> command = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djwt.agent.mode=audit", "-jar", System.getProperty("agent.jar"), "check-config", "secret-file=" + System.getProperty("it.secret.file"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, process.exitValue(), output);
        assertTrue(output.contains("invalid: jwt.agent.mode: 'audit' is not a mode"), output);
    }

    /**
     * check-config says what the agent would do: with enabled=false (here in the environment) it would
     * install nothing, so "ok: mode=enforce" is not the answer, nor is "invalid" for a switched-off agent
     * that names no key source (it said both).
     */
    @Test
    void commandLineSaysASwitchedOffAgentWouldInstallNothing() throws Exception {
        for (String arguments : List.of("secret-file=" + System.getProperty("it.secret.file") + ";audience=orders", "audience=orders")) {
            ProcessBuilder builder = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar", System.getProperty("agent.jar"), "check-config", arguments).redirectErrorStream(true);
            builder.environment().keySet().removeIf(name -> name.startsWith("JWT_AGENT_"));
            builder.environment().put("JWT_AGENT_ENABLED", "false");
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.contains("disabled by jwt.agent.enabled=false"), output);
            assertFalse(output.contains("mode=enforce"), output);
        }
    }

    @Test
    void attachToARunningJvmInstallsTheAgentIntoLoadedClasses() throws Exception {
        Downstream downstream = new Downstream();
        try (ServiceWithoutAgent service = new ServiceWithoutAgent()) {
            String baseUrl = service.baseUrl;
            assertEquals(200, RawHttp.get(baseUrl, "/echo", RawHttp.bearer("not.a.jwt")).status, "no agent yet");
            assertEquals("gate:null", RawHttp.get(baseUrl, "/gate", RawHttp.bearer("not.a.jwt")).body.trim(), "no agent yet");
            // Both JDK clients used before the attach: their classes are loaded, and are rewritten
            // (and their packages exported to the agent) by retransformation.
            List<String> jdkClients = List.of("url-connection", "jdk-send");
            for (String client : jdkClients) {
                assertEquals(200, RawHttp.get(baseUrl, callPath(client, downstream)).status, client);
                assertEquals(List.of(), downstream.takeAuthorization(), "no agent yet: " + client);
            }

            AttachCommand attach = AttachCommand.run(service.process.pid(), "secret-file=" + System.getProperty("it.secret.file") + ";audience=" + Tokens.AUDIENCE
                    + ";outbound.allowed-hosts=localhost");
            assertEquals(0, attach.exitCode(), attach.output());
            assertTrue(attach.output().startsWith("attached jwt-agent to " + service.process.pid()), attach.output());

            RawHttp.Response refused = RawHttp.get(baseUrl, "/echo", RawHttp.bearer("not.a.jwt"));
            assertEquals(401, refused.status, "the servlet, loaded before the attach, is now instrumented: " + refused);
            assertEquals("alice", RawHttp.get(baseUrl, "/echo", RawHttp.bearer(Tokens.valid("alice"))).field("subject"));
            // The gate filter's doFilter comes from a loaded super class that is no filter: retransformed too.
            RawHttp.Response gateRefused = RawHttp.get(baseUrl, "/gate", RawHttp.bearer("not.a.jwt"));
            assertEquals(401, gateRefused.status, gateRefused.toString());
            assertEquals("gate:alice", RawHttp.get(baseUrl, "/gate", RawHttp.bearer(Tokens.valid("alice"))).body.trim());
            String token = Tokens.valid("bob");
            for (String client : jdkClients) {
                assertEquals(200, RawHttp.get(baseUrl, callPath(client, downstream), RawHttp.bearer(token)).status, client);
                assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), "propagated after the attach: " + client);
            }
        } finally {
            downstream.close();
        }
    }

    /**
     * README (configuration): attached with a bad setting, the agent leaves the application running
     * without it and prints its one line there, and the attach command says so and fails. It used to
     * report "attached" whatever happened in the JVM.
     */
    @Test
    void attachWithABadSettingFailsNamingTheKeyAndLeavesTheApplicationAsItWas() throws Exception {
        String output;
        try (ServiceWithoutAgent service = new ServiceWithoutAgent()) {
            AttachCommand attach = AttachCommand.run(service.process.pid(), "secret-file=" + System.getProperty("it.secret.file") + ";audience=" + Tokens.AUDIENCE
                    + ";audence=orders");
            assertEquals(1, attach.exitCode(), attach.output());
            assertTrue(attach.output().startsWith("jwt-agent did not start in " + service.process.pid()
                    + ": refusing to start: jwt.agent.audence: unknown setting"), attach.output());
            assertEquals(200, RawHttp.get(service.baseUrl, "/echo", RawHttp.bearer("not.a.jwt")).status, "no agent: " + attach.output());

            // The setting corrected, the next attach starts the agent.
            AttachCommand corrected = AttachCommand.run(service.process.pid(), "secret-file=" + System.getProperty("it.secret.file") + ";audience=" + Tokens.AUDIENCE);
            assertEquals(0, corrected.exitCode(), corrected.output());
            assertEquals(401, RawHttp.get(service.baseUrl, "/echo", RawHttp.bearer("not.a.jwt")).status, corrected.output());
            output = service.outputOnce(" started in ");
        }
        assertEquals(1, output.split("jwt-agent: refusing to start: jwt.agent.audence: unknown setting", -1).length - 1, output);
        assertFalse(output.contains("ASSERTION") || output.contains("Exception"), output);
        assertTrue(output.contains(" started in "), output);
    }

    /** {@link RelayChild} in a JVM of its own without the agent, ready to answer; what it prints after is kept. */
    static final class ServiceWithoutAgent implements AutoCloseable {
        final Process process;
        final String baseUrl;
        private final StringBuffer printed = new StringBuffer();

        ServiceWithoutAgent() throws IOException {
            process = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), RelayChild.class.getName()).redirectErrorStream(true).start();
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String ready = null;
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(ChildJvm.READY)) {
                    ready = "http://127.0.0.1:" + line.substring(ChildJvm.READY.length()).trim();
                    break;
                }
            }
            if (ready == null) {
                process.destroy();
                throw new AssertionError("the service did not start");
            }
            baseUrl = ready;
            Thread reader = new Thread(() -> {
                try {
                    for (String each; (each = out.readLine()) != null; ) {
                        printed.append(each).append('\n');
                    }
                } catch (IOException closed) {
                    // The service was stopped.
                }
            }, "service-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** What the service printed after it was ready, once it holds {@code text} (or after 10 s). */
        String outputOnce(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (printed.indexOf(text) < 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            return printed.toString();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String callPath(String client, Downstream downstream) {
        return "/call?client=" + client + "&url=" + java.net.URLEncoder.encode(downstream.allowedUrl("/next"), StandardCharsets.UTF_8);
    }
}
