package dev.jwtagent;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.config.AgentConfig;
import dev.jwtagent.config.ConfigException;
import dev.jwtagent.inbound.InboundPolicy;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.AgentTransformer;
import dev.jwtagent.instrument.Instrumentations;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.log.AgentLog;
import dev.jwtagent.log.OneLine;
import dev.jwtagent.metrics.AgentMetrics;
import dev.jwtagent.metrics.MetricsMBean;
import dev.jwtagent.outbound.OutboundPolicy;
import dev.jwtagent.verify.KeyedVerifier;
import dev.jwtagent.verify.TokenVerifiers;
import dev.jwtagent.verify.VerifierSettings;
import org.slf4j.Logger;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** Reads the configuration, builds the verifier and policies, and installs the instrumentations. */
public final class AgentInstaller {
    private AgentInstaller() {
    }

    /**
     * {@code started}: when the agent's entry point was called, so the startup line counts everything
     * the agent did; {@code version}: the agent jar's, for that line. Returns null when the agent
     * started, else the line printed to say why not (on attach, where the JVM goes on).
     */
    public static String install(String arguments, Instrumentation instrumentation, boolean attached, long started, String version) {
        if (AgentBridge.installed()) {
            // Given twice (JAVA_TOOL_OPTIONS and the command line, or attached again): a second copy would
            // replace the first's policies (its mode, hosts, keys) while the first's rewritten classes stay.
            return refuse("jwt-agent: refusing to start: the agent is already installed in this JVM"
                    + (attached ? "; the running agent is left as it is" : " (-javaagent given twice, such as in JAVA_TOOL_OPTIONS"
                    + " and on the command line): give it once"), attached);
        }
        AgentConfig config;
        KeyedVerifier verifier;
        try {
            // StartGate has already let through only an enabled agent.
            config = AgentConfig.load(arguments, StartGate.systemProperties(), System.getenv(), Instrumentations.names());
            AgentLog.configure(config.logLevel());
            verifier = TokenVerifiers.create(verifierSettings(config));
        } catch (ConfigException | IllegalArgumentException e) {
            return refuse("jwt-agent: refusing to start: " + refusal(e.getMessage()), attached);
        }
        Logger log = AgentLog.logger("startup");
        for (String warning : config.warnings()) {
            AgentLog.startupWarning(log, "{}", warning);
        }

        AgentMetrics metrics = new AgentMetrics();
        metrics.gauge("key_fetches", new KeyFetches(verifier, false));
        metrics.gauge("key_fetch_failures", new KeyFetches(verifier, true));

        InboundPolicy inbound = new InboundPolicy(verifier, config.mode() == AgentConfig.Mode.ENFORCE, config.inboundRequired(),
                config.excludedPaths(), config.inboundHeader(), config.maxTokenSize(), metrics);
        OutboundPolicy outbound = new OutboundPolicy(config.allowedHosts(), config.outboundHeader(), new SystemClock());
        // Set before any instrumentation is installed: on attach a request can arrive from then on,
        // and work added after its request has come is run at once (FirstRequestWork).
        FirstRequestWork firstRequest = new FirstRequestWork("the first request");
        // The platform MBean server costs ~200 classes; containers create it anyway, after premain.
        firstRequest.add(new PublishMetrics(metrics, log));
        FirstRequestWork firstToken = new FirstRequestWork("the first request with a token");
        AgentBridge.install(new AgentHooks(inbound, outbound, metrics, firstRequest, firstToken),
                config.inboundHeader(), config.outboundHeader());

        long policiesReady = System.nanoTime();
        List<String> installed = installInstrumentations(instrumentation, config, firstRequest, firstToken, log);
        log.debug("startup phases: bootstrap classes, configuration, keys and policies {} ms, instrumentation {} ms",
                (policiesReady - started) / 1_000_000, (System.nanoTime() - policiesReady) / 1_000_000);

        long millis = (System.nanoTime() - started) / 1_000_000;
        log.info("jwt-agent {} started in {} ms: mode={}, keys={}, issuers={}, audiences={}, allowed-hosts={}, instrumentations={}",
                version, millis, config.mode().name().toLowerCase(java.util.Locale.ROOT), verifier.keySourceDescription(),
                listOrNone(issuersAsShown(config.issuers())), listOrNone(config.audiences()), config.allowedHosts(), String.join(",", installed));
        return null;
    }

    /*
     * No lambdas or method references in the agent: each is a class the JVM generates when it is
     * first used, 1 to 3 ms apiece in a JVM that is still starting; these small classes are read
     * from the agent jar instead. AgentClassFilesTest keeps it so.
     */

    private static final class KeyFetches implements LongSupplier {
        private final KeyedVerifier verifier;
        private final boolean failures;

        KeyFetches(KeyedVerifier verifier, boolean failures) {
            this.verifier = verifier;
            this.failures = failures;
        }

        @Override
        public long getAsLong() {
            return failures ? verifier.stats().keyFetchFailures() : verifier.stats().keyFetches();
        }
    }

    private static final class SystemClock implements LongSupplier {
        @Override
        public long getAsLong() {
            return System.currentTimeMillis();
        }
    }

    private static final class PublishMetrics implements Runnable {
        private final AgentMetrics metrics;
        private final Logger log;

        PublishMetrics(AgentMetrics metrics, Logger log) {
            this.metrics = metrics;
            this.log = log;
        }

        @Override
        public void run() {
            try {
                MetricsMBean.register(metrics);
            } catch (Exception e) {
                AgentLog.startupWarning(log, "metrics are not published over JMX: {}", e.toString());
            }
        }
    }

    static VerifierSettings verifierSettings(AgentConfig config) {
        return VerifierSettings.builder()
                .issuers(config.issuers())
                .audiences(config.audiences())
                .algorithms(config.algorithms())
                .secret(config.secret())
                .publicKeyFile(config.publicKeyFile())
                .jwksUrl(config.jwksUrl())
                .jwksRefreshInterval(config.jwksRefreshInterval())
                .jwksMinRefetchInterval(config.jwksMinRefetchInterval())
                .jwksTimeout(config.jwksTimeout())
                .clockSkew(config.clockSkew())
                .requiredClaims(config.requiredClaims())
                .maxTokenSize(config.maxTokenSize())
                .build();
    }

    private static List<String> installInstrumentations(Instrumentation instrumentation, AgentConfig config,
                                                        FirstRequestWork firstRequest, FirstRequestWork firstToken, Logger log) {
        // The agent's classes run from the bootstrap loader, which cannot be asked for class files;
        // the JVM also puts the agent jar on the system class path, where its advice classes are read.
        ClassLoader own = AgentInstaller.class.getClassLoader();
        AdviceSupport support = new AdviceSupport(own != null ? own : ClassLoader.getSystemClassLoader());
        Rules rules = new Rules();
        List<String> installed = new ArrayList<>();
        for (AgentInstrumentation each : Instrumentations.all()) {
            if (config.instrumentationEnabled(each.name())) {
                each.install(rules.from(each), support);
                installed.add(each.name());
            }
        }
        firstToken.add(AgentTransformer.install(instrumentation, rules, log, firstRequest));
        return installed;
    }

    /** Prints {@code line}; stops the JVM unless the agent was attached, and returns the line. */
    private static String refuse(String line, boolean attached) {
        System.err.println(line);
        if (!attached) {
            System.exit(1);
        }
        return line;
    }

    /**
     * The refusal as printed: one line (a quoted value's control characters escaped), naming the
     * key it is about, or the agent arguments.
     */
    static String refusal(String message) {
        String named = message != null && (message.startsWith("jwt.agent.") || message.startsWith("agent arguments:"))
                ? message : "jwt.agent." + message;
        return OneLine.of(named);
    }

    static String version() {
        String v = AgentInstaller.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The issuers as logs show them: without user info, query or fragment. */
    private static List<String> issuersAsShown(List<String> issuers) {
        List<String> shown = new java.util.ArrayList<>(issuers.size());
        for (String issuer : issuers) {
            shown.add(dev.jwtagent.verify.KeyFetcher.describeIssuer(issuer));
        }
        return shown;
    }

    private static String listOrNone(List<String> list) {
        return list.isEmpty() ? "(any)" : String.join(",", list);
    }
}
