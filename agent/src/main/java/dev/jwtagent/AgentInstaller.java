package dev.jwtagent;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.config.AgentConfig;
import dev.jwtagent.config.ConfigException;
import dev.jwtagent.inbound.InboundPolicy;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Instrumentations;
import dev.jwtagent.log.AgentLog;
import dev.jwtagent.metrics.AgentMetrics;
import dev.jwtagent.metrics.MetricsMBean;
import dev.jwtagent.outbound.OutboundPolicy;
import dev.jwtagent.verify.KeyedVerifier;
import dev.jwtagent.verify.TokenVerifiers;
import dev.jwtagent.verify.VerifierSettings;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.VisibilityBridgeStrategy;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.Logger;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

/** Reads the configuration, builds the verifier and policies, and installs the instrumentations. */
public final class AgentInstaller {
    /** JDK packages the agent instruments; every other JDK class is ignored before any matching. */
    private static final String[] INSTRUMENTED_JDK_PREFIXES = {
            "sun.net.www.protocol.http.", "jdk.internal.net.http.", "java.util.concurrent.", "java.lang.Thread", "java.lang.VirtualThread"};

    private AgentInstaller() {
    }

    public static void install(String arguments, Instrumentation instrumentation, boolean attached) {
        long started = System.nanoTime();
        AgentConfig config;
        KeyedVerifier verifier;
        try {
            // StartGate has already let through only an enabled agent.
            config = AgentConfig.load(arguments, StartGate.systemProperties(), System.getenv(), Instrumentations.names());
            AgentLog.configure(config.logLevel());
            verifier = TokenVerifiers.create(verifierSettings(config));
        } catch (ConfigException | IllegalArgumentException e) {
            refuse(e.getMessage(), attached);
            return;
        }
        Logger log = AgentLog.logger("startup");
        for (String warning : config.warnings()) {
            log.warn(warning);
        }

        AgentMetrics metrics = new AgentMetrics();
        metrics.gauge("key_fetches", () -> verifier.stats().keyFetches());
        metrics.gauge("key_fetch_failures", () -> verifier.stats().keyFetchFailures());
        // The platform MBean server costs ~200 classes; containers create it anyway, after premain.
        Runnable publishMetrics = () -> {
            try {
                MetricsMBean.register(metrics);
            } catch (Exception e) {
                log.warn("metrics are not published over JMX: {}", e.toString());
            }
        };

        InboundPolicy inbound = new InboundPolicy(verifier, config.mode() == AgentConfig.Mode.ENFORCE, config.inboundRequired(),
                config.excludedPaths(), config.inboundHeader(), config.maxTokenSize(), metrics);
        OutboundPolicy outbound = new OutboundPolicy(config.allowedHosts(), config.outboundHeader(), System::currentTimeMillis);
        AgentBridge.install(new AgentHooks(inbound, outbound, metrics, publishMetrics), config.inboundHeader(), config.outboundHeader());

        long policiesReady = System.nanoTime();
        openJdkInternals(instrumentation);
        List<String> installed = installInstrumentations(instrumentation, config, log);
        log.debug("startup phases: configuration, keys and policies {} ms, instrumentation {} ms",
                (policiesReady - started) / 1_000_000, (System.nanoTime() - policiesReady) / 1_000_000);

        long millis = (System.nanoTime() - started) / 1_000_000;
        log.info("jwt-agent {} started in {} ms: mode={}, keys={}, issuers={}, audiences={}, allowed-hosts={}, instrumentations={}",
                version(), millis, config.mode().name().toLowerCase(java.util.Locale.ROOT), verifier.keySourceDescription(),
                listOrNone(config.issuers()), listOrNone(config.audiences()), config.allowedHosts(), String.join(",", installed));
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

    private static List<String> installInstrumentations(Instrumentation instrumentation, AgentConfig config, Logger log) {
        AdviceSupport support = new AdviceSupport(AgentInstaller.class.getClassLoader());
        // AgentBuilder.Default builds Byte Buddy's Nexus eagerly (about 700 classes and a class injected into
        // the system class loader); with disableClassFormatChanges() it is never used.
        System.setProperty("net.bytebuddy.nexus.disabled", "true");
        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy()
                .with(TypeValidation.DISABLED)
                .with(VisibilityBridgeStrategy.Default.NEVER))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(new RetransformationListener(log))
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AdviceSupport.typePoolCache())
                .with(new TransformationListener(log))
                .ignore(ignored());
        List<String> installed = new ArrayList<>();
        for (AgentInstrumentation each : Instrumentations.all()) {
            if (config.instrumentationEnabled(each.name())) {
                builder = each.install(builder, support);
                installed.add(each.name());
            }
        }
        builder.installOn(instrumentation);
        return installed;
    }

    private static ElementMatcher.Junction<TypeDescription> ignored() {
        return nameStartsWith("dev.jwtagent.")
                .or(nameStartsWith("net.bytebuddy."))
                .or(isSynthetic())
                .or(type -> isJdk(type.getName()) && !isInstrumentedJdk(type.getName()));
    }

    private static boolean isJdk(String name) {
        return name.startsWith("java.") || name.startsWith("javax.") && !name.startsWith("javax.servlet.")
                || name.startsWith("sun.") || name.startsWith("jdk.") || name.startsWith("com.sun.");
    }

    private static boolean isInstrumentedJdk(String name) {
        for (String prefix : INSTRUMENTED_JDK_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Advice inlined into JDK modules calls the bridge (in the bootstrap loader's unnamed module),
     * and the bridge reads two JDK-internal header types reflectively: add those edges.
     */
    private static void openJdkInternals(Instrumentation instrumentation) {
        Module bridge = AgentBridge.class.getModule();
        Module base = Object.class.getModule();
        instrumentation.redefineModule(base, Collections.singleton(bridge),
                Collections.singletonMap("sun.net.www", Collections.singleton(bridge)),
                Collections.emptyMap(), Collections.emptySet(), Collections.emptyMap());
        ModuleLayer.boot().findModule("java.net.http").ifPresent(http -> instrumentation.redefineModule(http,
                Collections.singleton(bridge),
                Collections.singletonMap("jdk.internal.net.http", Collections.singleton(bridge)),
                Collections.emptyMap(), Collections.emptySet(), Collections.emptyMap()));
    }

    private static void refuse(String message, boolean attached) {
        String named = message != null && message.startsWith("jwt.agent.") ? message : "jwt.agent." + message;
        System.err.println("jwt-agent: refusing to start: " + named);
        if (!attached) {
            System.exit(1);
        }
    }

    static String version() {
        String v = AgentInstaller.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static String listOrNone(List<String> list) {
        return list.isEmpty() ? "(any)" : String.join(",", list);
    }


    /** Classes already loaded when the agent starts are retransformed in batches; a failed batch is logged. */
    static final class RetransformationListener extends AgentBuilder.RedefinitionStrategy.Listener.Adapter {
        private final Logger log;

        RetransformationListener(Logger log) {
            this.log = log;
        }

        @Override
        public Iterable<? extends List<Class<?>>> onError(int index, List<Class<?>> batch, Throwable throwable, List<Class<?>> types) {
            log.warn("could not instrument already loaded classes {}: {}", batch, throwable.toString());
            return Collections.emptyList();
        }
    }

    /**
     * Logs each instrumented class at debug level, and classes that could not be transformed
     * once each (the class itself then loads unchanged).
     */
    static final class TransformationListener extends AgentBuilder.Listener.Adapter {
        private final Logger log;

        TransformationListener(Logger log) {
            this.log = log;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader classLoader, JavaModule module, boolean loaded,
                                     net.bytebuddy.dynamic.DynamicType dynamicType) {
            log.debug("instrumented {}", type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
            if (AgentLog.firstTime("transform:" + typeName)) {
                log.warn("could not instrument {}: {}", typeName, throwable.toString());
                log.debug("instrumentation failure", throwable);
            }
        }
    }

}
