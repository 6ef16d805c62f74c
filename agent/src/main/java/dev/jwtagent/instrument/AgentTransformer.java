package dev.jwtagent.instrument;

import dev.jwtagent.log.AgentLog;
import org.slf4j.Logger;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The agent's one class file transformer. For each class the JVM loads it runs the rules' cheap
 * checks (name, then class loader, then constant pool, declared methods and super types where a
 * rule needs them)
 * and rewrites a match: argument wraps ({@link ArgumentWrapWeaver}), arounds
 * ({@link AroundWeaver}) and boot delegations ({@link BootDelegationWeaver}) with ASM, then any advice with Byte Buddy ({@link Weaver}). A class that
 * fails to transform loads unchanged and is logged once.
 */
public final class AgentTransformer implements ClassFileTransformer {
    private final List<Rules.Rule> rules;
    /** Rules for exact class names, by name: for most classes one map lookup answers them all. */
    private final Map<String, List<Rules.Rule>> rulesByName = new HashMap<>();
    /** Rules that accept class names by a condition: asked about every class. */
    private final List<Rules.Rule> rulesByCondition = new ArrayList<>();
    private final Ignored ignored;
    private final SuperTypes superTypes = new SuperTypes();
    private final Logger log;
    /** Null in unit tests that weave without an Instrumentation: their rules export nothing. */
    private final BridgeExports bridgeExports;
    /** Set while this thread transforms: classes loaded meanwhile (Byte Buddy's, the JDK's) are not matched. */
    private final ThreadLocal<Boolean> busy = new ThreadLocal<>();
    private volatile Weaver weaver;
    /**
     * Until the deferred work runs: the internal names of the bootstrap loader's classes handed to
     * this transformer as they loaded, but for those it ignores by name (a few hundred at most).
     */
    private volatile Set<String> bootstrapSeen = ConcurrentHashMap.newKeySet();
    /** Null unless the log's debug level is on. */
    private final TransformerTime time;

    AgentTransformer(List<Rules.Rule> rules, Ignored ignored, Logger log, BridgeExports bridgeExports) {
        this.rules = rules;
        this.ignored = ignored;
        this.log = log;
        this.bridgeExports = bridgeExports;
        this.time = log.isDebugEnabled() ? new TransformerTime(log) : null;
        for (Rules.Rule rule : rules) {
            if (rule.match.exactNames() == null) {
                rulesByCondition.add(rule);
            } else {
                for (String name : rule.match.exactNames()) {
                    List<Rules.Rule> named = rulesByName.get(name);
                    if (named == null) {
                        named = new ArrayList<>();
                        rulesByName.put(name, named);
                    }
                    named.add(rule);
                }
            }
        }
    }

    /**
     * Registers a transformer for {@code rules} and retransforms the already loaded classes that
     * inbound rules match. Returns the retransformation of the other already loaded classes that
     * match, to be run before the first inbound token becomes current.
     *
     * <p>The classes already loaded by the bootstrap loader (with {@code -javaagent}, all but the
     * few the application loader has loaded for the agent's entry point and the launcher) are only
     * listed here; they are matched when that work runs, because no rule that admits requests
     * accepts a class of the bootstrap loader, so none of them can be needed sooner. Matching them
     * here was the largest single part of this method at startup, in a JVM that still interprets
     * the matching code. The list holds them until then: JDK classes, which stay loaded anyway, and
     * a dozen of the JDK's hidden classes.
     *
     * <p>At debug level, {@code atFirstRequest} is given the report of the transformer's time until then.
     */
    public static Runnable install(Instrumentation instrumentation, Rules rules, Logger log, Consumer<Runnable> atFirstRequest) {
        AgentTransformer transformer = new AgentTransformer(rules.all(), new Ignored(), log, new BridgeExports(instrumentation));
        if (transformer.time != null) {
            atFirstRequest.accept(transformer.time);
        }
        instrumentation.addTransformer(transformer, true);
        List<Class<?>> bootstrapLoaded = new ArrayList<>();
        List<Class<?>> others = new ArrayList<>();
        boolean deferBootstrap = !transformer.startupRuleAcceptsBootstrap();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (type.getClassLoader() == null) {
                bootstrapLoaded.add(type);
            }
            if (!deferBootstrap || type.getClassLoader() != null) {
                others.add(type);
            }
        }
        List<Class<?>> now = new ArrayList<>();
        List<Class<?>> later = new ArrayList<>();
        transformer.matchLoaded(instrumentation, others, now, later);
        transformer.retransform(instrumentation, now);
        return new DeferredRetransform(transformer, instrumentation, bootstrapLoaded, deferBootstrap, later);
    }

    /**
     * The bootstrap loader's classes loaded now that were neither in {@code listed} nor handed to
     * this transformer as they loaded: their loading began before the transformer was registered
     * and ended after the classes were listed. With {@code -javaagent} only the agent's own key
     * refresh thread, started in premain, loads classes meanwhile (the HTTP client it fetches keys
     * with); without this, such a class would stay as it was.
     */
    List<Class<?>> bootstrapClassesNeverSeen(Instrumentation instrumentation, List<Class<?>> listed) {
        Set<Class<?>> known = Collections.newSetFromMap(new IdentityHashMap<Class<?>, Boolean>());
        known.addAll(listed);
        List<Class<?>> unseen = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (type.getClassLoader() != null || known.contains(type) || type.isArray() || type.isPrimitive()) {
                continue;
            }
            String name = type.getName();
            if (name.indexOf('/') < 0 && !ignored.name(name) && !bootstrapSeen.contains(name.replace('.', '/'))) {
                unseen.add(type);
            }
        }
        return unseen;
    }

    /** {@link #install}'s deferred work: the bootstrap loader's classes matched, and every match retransformed. */
    private static final class DeferredRetransform implements Runnable {
        private final AgentTransformer transformer;
        private final Instrumentation instrumentation;
        private final List<Class<?>> bootstrapLoaded;
        /** False when install matched the bootstrap loader's classes itself (they are only listed here). */
        private final boolean matchBootstrapLoaded;
        private final List<Class<?>> later;

        DeferredRetransform(AgentTransformer transformer, Instrumentation instrumentation, List<Class<?>> bootstrapLoaded,
                            boolean matchBootstrapLoaded, List<Class<?>> later) {
            this.transformer = transformer;
            this.instrumentation = instrumentation;
            this.bootstrapLoaded = bootstrapLoaded;
            this.matchBootstrapLoaded = matchBootstrapLoaded;
            this.later = later;
        }

        @Override
        public void run() {
            List<Class<?>> matched = new ArrayList<>(later);
            List<Class<?>> neverSeen = transformer.bootstrapClassesNeverSeen(instrumentation, bootstrapLoaded);
            transformer.bootstrapSeen = null;
            // Whatever rule matches, it is retransformed now: one list for both of matchLoaded's answers.
            if (matchBootstrapLoaded) {
                transformer.matchLoaded(instrumentation, bootstrapLoaded, matched, matched);
            }
            transformer.matchLoaded(instrumentation, neverSeen, matched, matched);
            bootstrapLoaded.clear();
            transformer.retransform(instrumentation, matched);
        }
    }

    /** Whether a rule that admits requests (and so must be in place before the first one) could match a class of the bootstrap loader. */
    boolean startupRuleAcceptsBootstrap() {
        for (Rules.Rule rule : rules) {
            if (rule.atStartup && rule.match.acceptsLoader(null)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classFile) {
        return transform(loader, internalName, classFile);
    }

    @Override
    public byte[] transform(ClassLoader loader, String internalName, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classFile) {
        return transform(loader, internalName, classFile);
    }

    private byte[] transform(ClassLoader loader, String internalName, byte[] classFile) {
        TransformerTime time = this.time;
        if (time == null || busy.get() != null) {
            return transformClass(loader, internalName, classFile);
        }
        long started = System.nanoTime();
        byte[] result = transformClass(loader, internalName, classFile);
        time.add(System.nanoTime() - started, result != null);
        return result;
    }

    private byte[] transformClass(ClassLoader loader, String internalName, byte[] classFile) {
        // The name first: it passes over most classes (the JDK's) before anything else is done for them,
        // which cost a few microseconds per class in a JVM that still interprets this code.
        if (internalName == null || ignored.internalName(internalName)) {
            return null;
        }
        Set<String> seen = bootstrapSeen;
        if (loader == null && seen != null) {
            seen.add(internalName);
        }
        if (busy.get() != null) {
            return null;
        }
        String name = internalName.replace('/', '.');
        busy.set(Boolean.TRUE);
        List<Rules.Rule> matched = Collections.emptyList();
        try {
            HeaderCheck hierarchy = new HeaderCheck(classFile, loader);
            matched = matchingRules(name, loader, hierarchy);
            if (matched.isEmpty()) {
                return null;
            }
            List<ArgumentWrap> wraps = new ArrayList<>();
            List<Around> arounds = new ArrayList<>();
            List<BootDelegation> delegations = new ArrayList<>();
            List<AdviceSupport.AdviceRule> advice = new ArrayList<>();
            for (Rules.Rule rule : matched) {
                wraps.addAll(rule.wraps);
                arounds.addAll(rule.arounds);
                delegations.addAll(rule.delegations);
                advice.addAll(rule.advice);
                for (Rules.Export export : rule.exports) {
                    bridgeExports.ensure(export);
                }
            }
            // ASM first (no Byte Buddy loaded for classes that need nothing else), each step on the last one's output.
            // Arounds and wraps in one pass; where a method has both (an application's executor), the
            // argument is wrapped before the around's enter.
            byte[] woven = arounds.isEmpty() && wraps.isEmpty() ? null : AroundWeaver.weave(classFile, arounds, wraps);
            if (!delegations.isEmpty()) {
                byte[] delegating = BootDelegationWeaver.weave(woven != null ? woven : classFile, delegations);
                woven = delegating != null ? delegating : woven;
            }
            if (!advice.isEmpty()) {
                woven = weaver().weave(name, woven != null ? woven : classFile, loader, advice);
            }
            if (woven != null) {
                log.debug("instrumented {}", name);
            }
            return woven;
        } catch (Throwable t) {
            if (AgentLog.firstTime("transform:" + name)) {
                if (admitsRequests(matched) || (matched.isEmpty() && startupRuleMayMatch(name, loader))) {
                    // The class loads as it is: what it serves is not decided there, so this is no warning.
                    log.error("could not instrument {} ({}): requests that reach it through no other rewritten servlet or filter"
                            + " are NOT verified by the agent", name, t.toString());
                } else {
                    AgentLog.startupWarning(log, "could not instrument {}: {}", name, t.toString());
                }
                log.debug("instrumentation failure", t);
            }
            return null;
        } finally {
            // Cleared, not removed: the thread's next class then finds the entry instead of adding it again.
            busy.set(null);
        }
    }

    /**
     * When matching itself failed (a class file whose header cannot be read): whether a rule that
     * admits requests accepts the class by name and loader, so that it may be a servlet or filter.
     */
    private boolean startupRuleMayMatch(String name, ClassLoader loader) {
        for (Rules.Rule rule : rules) {
            try {
                if (rule.atStartup && rule.match.acceptsName(name) && rule.match.acceptsLoader(loader)) {
                    return true;
                }
            } catch (RuntimeException | LinkageError e) {
                return true;
            }
        }
        return false;
    }

    private static boolean admitsRequests(List<Rules.Rule> rules) {
        for (Rules.Rule rule : rules) {
            if (rule.atStartup) {
                return true;
            }
        }
        return false;
    }

    /** Every rule that accepts the class, in the order the rules were added; empty when none does. {@code hierarchy} answers for rules that need super types. */
    List<Rules.Rule> matchingRules(String name, ClassLoader loader, Predicate<TypeMatch> hierarchy) {
        List<Rules.Rule> byName = rulesByName.getOrDefault(name, Collections.<Rules.Rule>emptyList());
        List<Rules.Rule> matched = accepting(byName, name, loader, hierarchy, null);
        int matchedByName = matched == null ? 0 : matched.size();
        matched = accepting(rulesByCondition, name, loader, hierarchy, matched);
        if (matched == null) {
            return Collections.emptyList();
        }
        if (matchedByName > 0 && matched.size() > matchedByName) {
            matched.sort(new Comparator<Rules.Rule>() {
                @Override
                public int compare(Rules.Rule a, Rules.Rule b) {
                    return Integer.compare(rules.indexOf(a), rules.indexOf(b));
                }
            });
        }
        return matched;
    }

    private static List<Rules.Rule> accepting(List<Rules.Rule> candidates, String name, ClassLoader loader,
                                              Predicate<TypeMatch> hierarchy, List<Rules.Rule> matched) {
        for (Rules.Rule rule : candidates) {
            if (!rule.match.acceptsName(name) || !rule.match.acceptsLoader(loader)) {
                continue;
            }
            if (rule.match.needsHierarchy() && !hierarchy.test(rule.match)) {
                continue;
            }
            if (matched == null) {
                matched = new ArrayList<>();
            }
            matched.add(rule);
        }
        return matched;
    }

    /** Splits those of {@code loaded} that rules match into those to retransform now and later. */
    private void matchLoaded(Instrumentation instrumentation, List<Class<?>> loaded, List<Class<?>> now, List<Class<?>> later) {
        List<Class<?>> eligible = new ArrayList<>();
        for (Class<?> type : loaded) {
            String name = type.getName();
            if (!type.isArray() && !type.isPrimitive() && name.indexOf('/') < 0 && !ignored.name(name)
                    && instrumentation.isModifiableClass(type)) {
                eligible.add(type);
            }
        }
        // Of the same classes: the agent's own and the JDK's never ask a loader for a library.
        Map<TypeMatch, Set<Class<?>>> superTypesOfLoadedSubtypes = new IdentityHashMap<>();
        for (Rules.Rule rule : rules) {
            if (rule.match.matchesLoadedDeclaringTypes() && !superTypesOfLoadedSubtypes.containsKey(rule.match)) {
                superTypesOfLoadedSubtypes.put(rule.match, rule.match.superTypesOfLoadedSubtypes(eligible));
            }
        }
        for (Class<?> type : eligible) {
            String name = type.getName();
            try {
                List<Rules.Rule> matched = matchingRules(name, type.getClassLoader(), new LoadedHierarchy(type, superTypesOfLoadedSubtypes));
                if (matched.isEmpty()) {
                    continue;
                }
                boolean atStartup = false;
                for (Rules.Rule rule : matched) {
                    // A loader delegating the hooks' package goes with the servlets and filters: on attach
                    // theirs (a bundle's) call the hooks from the first request, before any later work runs.
                    atStartup |= rule.atStartup || !rule.delegations.isEmpty();
                }
                (atStartup ? now : later).add(type);
            } catch (RuntimeException | LinkageError e) {
                log.debug("could not match loaded class {}: {}", name, e.toString());
            }
        }
    }

    private void retransform(Instrumentation instrumentation, List<Class<?>> classes) {
        if (classes.isEmpty()) {
            return;
        }
        try {
            instrumentation.retransformClasses(classes.toArray(new Class<?>[0]));
        } catch (Throwable batchFailure) {
            for (Class<?> type : classes) {
                try {
                    instrumentation.retransformClasses(type);
                } catch (Throwable t) {
                    AgentLog.startupWarning(log, "could not instrument already loaded class {}: {}", type.getName(), t.toString());
                }
            }
        }
    }

    /** Super-type checks for a loaded class, by reflection. */
    private static final class LoadedHierarchy implements Predicate<TypeMatch> {
        private final Class<?> type;
        /** Per match that needs them: {@link TypeMatch#superTypesOfLoadedSubtypes}, of the same classes. */
        private final Map<TypeMatch, Set<Class<?>>> superTypesOfLoadedSubtypes;

        LoadedHierarchy(Class<?> type, Map<TypeMatch, Set<Class<?>>> superTypesOfLoadedSubtypes) {
            this.type = type;
            this.superTypesOfLoadedSubtypes = superTypesOfLoadedSubtypes;
        }

        @Override
        public boolean test(TypeMatch match) {
            Set<Class<?>> candidates = superTypesOfLoadedSubtypes.get(match);
            return match.acceptsLoadedHierarchy(type, candidates != null ? candidates : Collections.<Class<?>>emptySet());
        }
    }

    /** Super-type checks for a class being loaded: its header is read from the class file once, if a rule asks. */
    private final class HeaderCheck implements Predicate<TypeMatch> {
        private final byte[] classFile;
        private final ClassLoader loader;
        private ClassHeader header;

        HeaderCheck(byte[] classFile, ClassLoader loader) {
            this.classFile = classFile;
            this.loader = loader;
        }

        @Override
        public boolean test(TypeMatch match) {
            if (!match.acceptsClassFile(classFile)) {
                return false;
            }
            if (header == null) {
                header = ClassHeader.read(classFile);
            }
            return match.acceptsHierarchy(header, loader, superTypes);
        }
    }

    private Weaver weaver() {
        Weaver current = weaver;
        if (current == null) {
            synchronized (this) {
                current = weaver;
                if (current == null) {
                    current = new Weaver();
                    weaver = current;
                }
            }
        }
        return current;
    }
}
