package dev.jwtagent.instrument;

import dev.jwtagent.log.AgentLog;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

import java.lang.instrument.ClassDefinition;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentTransformerTest {
    private final TypeMatch threadsByCondition = TypeMatch.subtypesOf("java.lang.Runnable").namesContaining("lang.Thread", "WorkerThread");
    private final TypeMatch thread = TypeMatch.named("java.lang.Thread");
    private final TypeMatch threadOrPool = TypeMatch.named("java.lang.Thread", "java.util.concurrent.ThreadPoolExecutor");
    private final TypeMatch library = TypeMatch.named("java.lang.Thread").inLoadersWithAnyOf("example.NotOnAnyClassPath");

    private AgentTransformer transformer() {
        Rules rules = new Rules();
        rules.type(thread).type(threadsByCondition).type(library).type(threadOrPool);
        return new AgentTransformer(rules.all(), new Ignored(), AgentLog.logger("test"), null);
    }

    private static List<TypeMatch> matches(List<Rules.Rule> rules) {
        TypeMatch[] result = new TypeMatch[rules.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = rules.get(i).match;
        }
        return Arrays.asList(result);
    }

    /** Keeps each line logged, with its level. */
    static class RecordingLogger extends org.slf4j.helpers.AbstractLogger {
        final List<String> lines = new ArrayList<>();

        RecordingLogger() {
            this.name = "recording";
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(org.slf4j.event.Level level, org.slf4j.Marker marker, String messagePattern,
                                                   Object[] arguments, Throwable throwable) {
            lines.add(level + " " + org.slf4j.helpers.MessageFormatter.basicArrayFormat(messagePattern, arguments));
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isTraceEnabled(org.slf4j.Marker marker) {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled(org.slf4j.Marker marker) {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled(org.slf4j.Marker marker) {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled(org.slf4j.Marker marker) {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled(org.slf4j.Marker marker) {
            return true;
        }
    }

    @Test
    void aServletOrFilterThatCannotBeRewrittenIsAnErrorThatSaysItsRequestsAreNotVerified() {
        AgentInstrumentation entry = new AgentInstrumentation() {
            @Override
            public String name() {
                return "entry";
            }

            @Override
            public boolean admitsRequests() {
                return true;
            }

            @Override
            public Rules install(Rules rules, AdviceSupport support) {
                return rules;
            }
        };
        AgentInstrumentation handOff = new AgentInstrumentation() {
            @Override
            public String name() {
                return "hand-off";
            }

            @Override
            public Rules install(Rules rules, AdviceSupport support) {
                return rules;
            }
        };
        Rules rules = new Rules();
        rules.from(entry).type(TypeMatch.named("example.BrokenServlet"))
                .transform(Around.hidingToken(MethodMatch.named("service")));
        rules.from(handOff).type(TypeMatch.named("example.BrokenPool"))
                .transform(Around.hidingToken(MethodMatch.named("run")));
        // As the servlet rules: by super type and declared method, so the class header is read while matching.
        rules.from(entry).type(TypeMatch.subtypesOf("example.Filter").namesContaining("Filter").declaring(MethodMatch.named("doFilter"), "(L"))
                .transform(Around.hidingToken(MethodMatch.named("doFilter")));
        RecordingLogger log = new RecordingLogger();
        AgentTransformer transformer = new AgentTransformer(rules.all(), new Ignored(), log, null);
        byte[] notAClassFile = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61, 0, 9};
        assertEquals(null, transformer.transform(getClass().getClassLoader(), "example/BrokenServlet", null, null, notAClassFile));
        assertEquals(null, transformer.transform(getClass().getClassLoader(), "example/BrokenPool", null, null, notAClassFile));
        // Has the text the rule looks for first, then ends where its header should be.
        byte[] truncated = {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE, 0, 0, 0, 61, 0, 2, 1, 0, 2, '(', 'L'};
        assertEquals(null, transformer.transform(getClass().getClassLoader(), "example/TruncatedFilter", null, null, truncated));
        assertEquals(3, log.lines.size(), log.lines.toString());
        assertTrue(log.lines.get(2).startsWith("ERROR could not instrument example.TruncatedFilter")
                && log.lines.get(2).contains("NOT verified"), log.lines.get(2));
        assertTrue(log.lines.get(0).startsWith("ERROR could not instrument example.BrokenServlet")
                && log.lines.get(0).contains("NOT verified"), log.lines.get(0));
        assertTrue(log.lines.get(1).startsWith("WARN could not instrument example.BrokenPool"), log.lines.get(1));
    }

    @Test
    void rulesFoundByNameAndByConditionComeInTheOrderTheyWereAdded() {
        List<Rules.Rule> matched = transformer().matchingRules("java.lang.Thread", ClassLoader.getSystemClassLoader(), match -> true);
        assertEquals(Arrays.asList(thread, threadsByCondition, threadOrPool), matches(matched),
                "the library rule's loader lacks the library");
    }

    @Test
    void aClassLoadedWhileTheTransformerIsAtWorkOnTheSameThreadIsPassedOverAndTheThreadsNextClassIsNot() {
        Rules rules = new Rules();
        rules.type(TypeMatch.named("example.Probe").inLoadersWithAnyOf("example.Library"));
        AgentTransformer transformer = new AgentTransformer(rules.all(), new Ignored(), AgentLog.logger("test"), null);
        List<String> asked = new ArrayList<>();
        /** Asked by the rule whether it has the library; the first time, it loads a class meanwhile, as a loader may. */
        final class AskingLoader extends ClassLoader {
            AskingLoader() {
                super(null);
            }

            @Override
            public URL getResource(String name) {
                asked.add(name);
                if (asked.size() == 1) {
                    // The JVM hands a class loaded here to the transformer on this same thread.
                    transformer.transform(this, "example/Probe", null, null, new byte[0]);
                }
                return null;
            }
        }

        transformer.transform(new AskingLoader(), "example/Probe", null, null, new byte[0]);
        assertEquals(List.of("example/Library.class"), asked, "the class loaded meanwhile was passed over, not matched");
        transformer.transform(new AskingLoader(), "example/Probe", null, null, new byte[0]);
        assertEquals(List.of("example/Library.class", "example/Library.class"), asked,
                "once done, the transformer looks at the thread's next class again");
    }

    @Test
    void eachRuleAsksItsOwnChecks() {
        AgentTransformer transformer = transformer();
        assertEquals(Collections.singletonList(threadOrPool),
                matches(transformer.matchingRules("java.util.concurrent.ThreadPoolExecutor", null, match -> true)));
        assertEquals(Arrays.asList(thread, threadOrPool),
                matches(transformer.matchingRules("java.lang.Thread", null, match -> false)), "super types decide the condition rule");
        assertEquals(Collections.singletonList(threadsByCondition),
                matches(transformer.matchingRules("example.WorkerThread", null, match -> true)));
        assertEquals(Collections.emptyList(), transformer.matchingRules("example.Other", null, match -> true));
    }

    /**
     * A method given both a wrap and an around (an application's executor): the argument is wrapped
     * first, with the caller's token, and the around's enter then hides it, so the task carries the
     * token and the executor's own code (a worker it starts) holds none.
     */
    @Test
    void aWrapRunsBeforeAnAroundOfTheSameMethod() throws Exception {
        MethodMatch execute = MethodMatch.named("execute").onlyArgument(Runnable.class).notAbstract();
        Rules rules = new Rules();
        // Matched under a name of the application's: the agent's own packages are never transformed.
        rules.type(TypeMatch.named("example.OwnExecutor"))
                .transform(ArgumentWrap.withReceiver(0, "forApplicationExecutor", execute))
                .transform(Around.hidingTokenForApplicationExecute(execute));
        AgentTransformer transformer = new AgentTransformer(rules.all(), new Ignored(), AgentLog.logger("test"), null);
        byte[] woven = transformer.transform(getClass().getClassLoader(), "example/OwnExecutor", null, null,
                WovenClasses.classFile(OwnExecutor.class));
        Assertions.assertNotNull(woven);
        Class<?> type = WovenClasses.define(OwnExecutor.class.getName(), woven);
        java.util.concurrent.Executor executor = (java.util.concurrent.Executor) type.getConstructor().newInstance();
        dev.jwtagent.bootstrap.CarriedToken alice = new dev.jwtagent.bootstrap.CarriedToken("alice", Long.MAX_VALUE, "sha256:alice");
        Object[] seenByTask = {"not run"};
        dev.jwtagent.bootstrap.CarriedToken before = dev.jwtagent.bootstrap.TokenCarrier.swap(alice);
        try {
            executor.execute(() -> seenByTask[0] = dev.jwtagent.bootstrap.TokenCarrier.current());
            Assertions.assertNull(type.getField("seenInside").get(executor), "no token while execute runs");
            Assertions.assertSame(alice, seenByTask[0], "the task carries the caller's token");
            Assertions.assertSame(alice, dev.jwtagent.bootstrap.TokenCarrier.current(), "the caller's token is back after");
        } finally {
            dev.jwtagent.bootstrap.TokenCarrier.restore(before);
        }
    }

    /**
     * At debug level the transformer reports, at the first request, how many classes it looked at and
     * rewrote and the time each took; below debug it is given nothing to report.
     */
    @Test
    void atDebugLevelTheFirstRequestLogsTheTransformersTimeAndBelowItNothingIsKept() throws Exception {
        MethodMatch execute = MethodMatch.named("execute").onlyArgument(Runnable.class).notAbstract();
        Rules rules = new Rules();
        rules.type(TypeMatch.named("example.OwnExecutor")).transform(Around.hidingTokenForApplicationExecute(execute));
        RecordingLogger debug = new RecordingLogger() {
            @Override
            public boolean isDebugEnabled() {
                return true;
            }
        };
        RecordingInstrumentation jvm = new RecordingInstrumentation();
        List<Runnable> atFirstRequest = new ArrayList<>();
        AgentTransformer.install(jvm, rules, debug, atFirstRequest::add);
        assertEquals(1, atFirstRequest.size(), "the report is handed to the first request's work");
        ClassLoader loader = getClass().getClassLoader();
        byte[] classFile = WovenClasses.classFile(OwnExecutor.class);
        assertTrue(jvm.transformer.transform(loader, "example/OwnExecutor", null, null, classFile) != null, "rewritten");
        assertEquals(null, jvm.transformer.transform(loader, "example/Other", null, null, classFile), "matched by no rule");
        assertEquals(null, jvm.transformer.transform(null, "java/lang/Object", null, null, new byte[0]), "passed over by name");
        debug.lines.clear();
        atFirstRequest.get(0).run();
        assertEquals(1, debug.lines.size(), debug.lines.toString());
        assertTrue(debug.lines.get(0).matches(
                "DEBUG until the first request the transformer looked at 3 classes in \\d+ ms, of which 1 rewritten in \\d+ ms"),
                debug.lines.get(0));

        List<Runnable> belowDebug = new ArrayList<>();
        AgentTransformer.install(new RecordingInstrumentation(), rules, new RecordingLogger(), belowDebug::add);
        assertTrue(belowDebug.isEmpty(), "nothing to report below debug");
    }

    /**
     * The same in one pass over a method with branches, a loop and a handler of its own, whose stack map
     * frames the pass must carry over: the class still verifies as it loads, and the method behaves as
     * before, its own handler included.
     */
    @Test
    void aWrapAndAnAroundOfAMethodWithFramesGoInOnePassThatVerifies() throws Exception {
        MethodMatch execute = MethodMatch.named("execute").onlyArgument(Runnable.class).notAbstract();
        Rules rules = new Rules();
        rules.type(TypeMatch.named("example.RetryingExecutor"))
                .transform(ArgumentWrap.withReceiver(0, "forApplicationExecutor", execute))
                .transform(Around.hidingTokenForApplicationExecute(execute));
        AgentTransformer transformer = new AgentTransformer(rules.all(), new Ignored(), AgentLog.logger("test"), null);
        byte[] woven = transformer.transform(getClass().getClassLoader(), "example/RetryingExecutor", null, null,
                WovenClasses.classFile(RetryingExecutor.class));
        Assertions.assertNotNull(woven);
        Class<?> type = WovenClasses.define(RetryingExecutor.class.getName(), woven);
        java.util.concurrent.Executor executor = (java.util.concurrent.Executor) type.getConstructor().newInstance();
        dev.jwtagent.bootstrap.CarriedToken alice = new dev.jwtagent.bootstrap.CarriedToken("alice", Long.MAX_VALUE, "sha256:alice");
        List<Object> seenByTask = new ArrayList<>();
        dev.jwtagent.bootstrap.CarriedToken before = dev.jwtagent.bootstrap.TokenCarrier.swap(alice);
        try {
            executor.execute(() -> {
                seenByTask.add(dev.jwtagent.bootstrap.TokenCarrier.current());
                if (seenByTask.size() < 3) {
                    throw new IllegalStateException("try again");
                }
            });
            assertEquals(Arrays.asList(alice, alice, alice), seenByTask, "every attempt runs with the caller's token");
            assertEquals(2, type.getField("failures").get(executor), "the executor's own handler caught the first two");
            Assertions.assertNull(type.getField("seenInside").get(executor), "no token while execute runs");
            Assertions.assertSame(alice, dev.jwtagent.bootstrap.TokenCarrier.current(), "the caller's token is back after");
        } finally {
            dev.jwtagent.bootstrap.TokenCarrier.restore(before);
        }
    }

    /** An executor of the application's own that runs each task at once, up to three times while it throws. */
    public static class RetryingExecutor implements java.util.concurrent.Executor {
        public Object seenInside = "not called";
        public int failures;

        @Override
        public void execute(Runnable task) {
            seenInside = dev.jwtagent.bootstrap.TokenCarrier.current();
            for (int attempt = 0; attempt < 3; attempt++) {
                try {
                    task.run();
                    return;
                } catch (IllegalStateException e) {
                    failures++;
                }
            }
        }
    }

    /** An executor of the application's own that runs each task at once. */
    public static class OwnExecutor implements java.util.concurrent.Executor {
        public Object seenInside = "not called";

        @Override
        public void execute(Runnable task) {
            seenInside = dev.jwtagent.bootstrap.TokenCarrier.current();
            task.run();
        }
    }

    /** An instrumentation that sees inbound requests, adding {@code match} as its one rule. */
    private static AgentInstrumentation admittingRequests(TypeMatch match) {
        return new AgentInstrumentation() {
            @Override
            public String name() {
                return "test-inbound";
            }

            @Override
            public boolean admitsRequests() {
                return true;
            }

            @Override
            public Rules install(Rules rules, AdviceSupport support) {
                return rules.type(match);
            }
        };
    }

    private static AgentTransformer transformerWithInbound(TypeMatch inbound) {
        Rules rules = new Rules();
        rules.type(TypeMatch.named("java.lang.Thread"));
        AgentInstrumentation instrumentation = admittingRequests(inbound);
        instrumentation.install(rules.from(instrumentation), null);
        return new AgentTransformer(rules.all(), new Ignored(), AgentLog.logger("test"), null);
    }

    @Test
    void bootstrapClassesWaitForTheFirstRequestOnlyWhileNoInboundRuleCanMatchThem() {
        assertFalse(transformerWithInbound(library).startupRuleAcceptsBootstrap(),
                "a rule that checks the loader for its library never matches the bootstrap loader's classes; Thread's rule admits no requests");
        assertTrue(transformerWithInbound(TypeMatch.named("example.Servlet")).startupRuleAcceptsBootstrap(),
                "an inbound rule without that check could: then every loaded class is matched at startup");
    }

    /**
     * The JVM side of {@link AgentTransformer#install}, recorded: the classes it reports loaded,
     * which of them were asked about (matching asks whether each candidate can be modified), and
     * each retransformation asked for. Nothing is rewritten.
     */
    private static final class RecordingInstrumentation implements Instrumentation {
        Class<?>[] loaded;
        ClassFileTransformer transformer;
        final List<Class<?>> askedAbout = new ArrayList<>();
        final List<List<Class<?>>> retransformed = new ArrayList<>();

        RecordingInstrumentation(Class<?>... loaded) {
            this.loaded = loaded;
        }

        @Override
        public Class<?>[] getAllLoadedClasses() {
            return loaded.clone();
        }

        @Override
        public boolean isModifiableClass(Class<?> theClass) {
            askedAbout.add(theClass);
            return true;
        }

        @Override
        public void retransformClasses(Class<?>... classes) {
            retransformed.add(Arrays.asList(classes));
        }

        @Override
        public void addTransformer(ClassFileTransformer transformer, boolean canRetransform) {
            this.transformer = transformer;
        }

        @Override
        public void addTransformer(ClassFileTransformer transformer) {
        }

        @Override
        public boolean removeTransformer(ClassFileTransformer transformer) {
            return false;
        }

        @Override
        public boolean isRetransformClassesSupported() {
            return true;
        }

        @Override
        public boolean isRedefineClassesSupported() {
            return false;
        }

        @Override
        public void redefineClasses(ClassDefinition... definitions) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Class<?>[] getInitiatedClasses(ClassLoader loader) {
            return new Class<?>[0];
        }

        @Override
        public long getObjectSize(Object objectToSize) {
            return 0;
        }

        @Override
        public void appendToBootstrapClassLoaderSearch(JarFile jarfile) {
        }

        @Override
        public void appendToSystemClassLoaderSearch(JarFile jarfile) {
        }

        @Override
        public boolean isNativeMethodPrefixSupported() {
            return false;
        }

        @Override
        public void setNativeMethodPrefix(ClassFileTransformer transformer, String prefix) {
        }

        @Override
        public void redefineModule(Module module, Set<Module> extraReads, Map<String, Set<Module>> extraExports,
                                   Map<String, Set<Module>> extraOpens, Set<Class<?>> extraUses, Map<Class<?>, List<Class<?>>> extraProvides) {
        }

        @Override
        public boolean isModifiableModule(Module module) {
            return true;
        }
    }

    /** Rules for {@code Thread} (admitting no requests) and an inbound rule for an application class ({@code Assertions}: the agent ignores its own packages). */
    private static Rules threadAndInbound(TypeMatch inbound) {
        Rules rules = new Rules();
        rules.type(TypeMatch.named("java.lang.Thread"));
        AgentInstrumentation instrumentation = admittingRequests(inbound);
        instrumentation.install(rules.from(instrumentation), null);
        return rules;
    }

    @Test
    void installRewritesInboundClassesAtOnceAndLeavesTheBootstrapLoadersClassesToTheDeferredWork() {
        String app = Assertions.class.getName();
        RecordingInstrumentation jvm = new RecordingInstrumentation(Thread.class, String.class, Assertions.class);
        Runnable deferred = AgentTransformer.install(jvm, threadAndInbound(TypeMatch.named(app).inLoadersWithAnyOf(app)), AgentLog.logger("test"), firstRequest -> { });

        assertEquals(List.of(List.of(Assertions.class)), jvm.retransformed, "the servlet-like class at once");
        assertFalse(jvm.askedAbout.contains(Thread.class), "no bootstrap class is matched at startup");
        deferred.run();
        assertEquals(List.of(List.of(Assertions.class), List.of(Thread.class)), jvm.retransformed,
                "Thread matched and retransformed by the work, String matched by nothing");
    }

    @Test
    void anInboundRuleThatCouldMatchTheBootstrapLoaderHasEverythingMatchedAtStartup() {
        String app = Assertions.class.getName();
        RecordingInstrumentation jvm = new RecordingInstrumentation(Thread.class, String.class, Assertions.class);
        Runnable deferred = AgentTransformer.install(jvm, threadAndInbound(TypeMatch.named(app)), AgentLog.logger("test"), firstRequest -> { });

        assertTrue(jvm.askedAbout.contains(Thread.class), "matched at startup");
        assertEquals(List.of(List.of(Assertions.class)), jvm.retransformed);
        deferred.run();
        assertEquals(List.of(List.of(Assertions.class), List.of(Thread.class)), jvm.retransformed, "Thread still waits for the first token");
    }

    @Test
    void onAttachAnApplicationsClassLoaderIsRewrittenWithTheInboundClassesNotAtTheFirstToken() {
        // A filter of a bundle, loaded before the attach, calls the hooks from the first request on: its
        // loader must answer their package by then, or that call throws NoClassDefFoundError for good.
        String app = Assertions.class.getName();
        RecordingInstrumentation jvm = new RecordingInstrumentation(Thread.class, Assertions.class, example.loaders.BundleLikeLoader.class);
        Rules rules = threadAndInbound(TypeMatch.named(app).inLoadersWithAnyOf(app));
        ClassLoaderInstrumentation loaders = new ClassLoaderInstrumentation();
        loaders.install(rules.from(loaders), null);
        Runnable deferred = AgentTransformer.install(jvm, rules, AgentLog.logger("test"), firstRequest -> { });

        assertEquals(List.of(List.of(Assertions.class, example.loaders.BundleLikeLoader.class)), jvm.retransformed,
                "the loader with the servlet-like class, at once");
        deferred.run();
        assertEquals(List.of(List.of(Assertions.class, example.loaders.BundleLikeLoader.class), List.of(Thread.class)), jvm.retransformed);
    }

    @Test
    void aBootstrapClassLoadingWhileTheTransformerWasRegisteredIsFoundByTheDeferredWork() {
        String app = Assertions.class.getName();
        RecordingInstrumentation jvm = new RecordingInstrumentation(String.class, Assertions.class);
        Runnable deferred = AgentTransformer.install(jvm, threadAndInbound(TypeMatch.named(app).inLoadersWithAnyOf(app)), AgentLog.logger("test"), firstRequest -> { });
        // Thread began loading before the transformer was registered (never handed to it) and was
        // not yet loaded when the classes were listed, as the key refresh thread's classes can be.
        jvm.loaded = new Class<?>[] {String.class, Assertions.class, Thread.class};
        deferred.run();
        assertEquals(List.of(List.of(Assertions.class), List.of(Thread.class)), jvm.retransformed);
    }

    @Test
    void aBootstrapClassHandedToTheTransformerAsItLoadedIsNotRetransformedAgain() throws Exception {
        String app = Assertions.class.getName();
        RecordingInstrumentation jvm = new RecordingInstrumentation(String.class, Assertions.class);
        Runnable deferred = AgentTransformer.install(jvm, threadAndInbound(TypeMatch.named(app).inLoadersWithAnyOf(app)), AgentLog.logger("test"), firstRequest -> { });
        jvm.transformer.transform(null, "java/lang/Thread", null, null, new byte[0]);
        jvm.loaded = new Class<?>[] {String.class, Assertions.class, Thread.class};
        deferred.run();
        assertEquals(List.of(List.of(Assertions.class)), jvm.retransformed, "rewritten as it loaded");
    }
}
