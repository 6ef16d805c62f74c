package dev.jwtagent.instrument;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every instrumentation's rules name by string, checked against what exists. */
class InstrumentationRulesTest {
    private static List<Rules.Rule> allRules() {
        Rules rules = new Rules();
        AdviceSupport support = new AdviceSupport(InstrumentationRulesTest.class.getClassLoader());
        for (AgentInstrumentation each : Instrumentations.all()) {
            each.install(rules.from(each), support);
        }
        return rules.all();
    }

    @Test
    void everyAdviceClassNamedByARuleResolvesAsTheTransformerResolvesIt() throws Exception {
        List<String> names = new ArrayList<>();
        for (Rules.Rule rule : allRules()) {
            for (AdviceSupport.AdviceRule advice : rule.advice) {
                names.add(AdviceSupport.adviceClassName(advice));
                // Byte Buddy reads the advice class file by its name, as on the first weave; a wrong name throws.
                assertNotNull(advice.visitor(), AdviceSupport.adviceClassName(advice));
            }
        }
        assertEquals(45, names.size(), "the advice rules: " + names);
        for (String name : names) {
            // Not initialised: the advice names library types.
            assertEquals(name, Class.forName(name, false, InstrumentationRulesTest.class.getClassLoader()).getName());
        }
    }

    @Test
    void everyPackageExportedToTheBridgeIsAPackageOfThatJdkModule() {
        List<String> exports = new ArrayList<>();
        for (Rules.Rule rule : allRules()) {
            for (Rules.Export export : rule.exports) {
                Optional<Module> module = ModuleLayer.boot().findModule(export.module);
                assertTrue(module.isPresent(), export.module);
                assertTrue(module.get().getPackages().contains(export.packageName), export.module + "/" + export.packageName);
                assertFalse(module.get().isExported(export.packageName), "an internal package, exported only to the bridge: " + export.packageName);
                exports.add(export.module + "/" + export.packageName);
            }
        }
        assertEquals(List.of("java.base/sun.net.www", "java.net.http/jdk.internal.net.http", "java.net.http/jdk.internal.net.http.common"), exports);
    }

    /** A factory whose newThread returns its own kind of thread: javac adds a bridge returning Thread. */
    static final class CovariantThreadFactory implements java.util.concurrent.ThreadFactory {
        @Override
        public WorkerThread newThread(Runnable task) {
            return new WorkerThread(task);
        }
    }

    static final class WorkerThread extends Thread {
        WorkerThread(Runnable task) {
            super(task);
        }
    }

    /** The rules that match {@code type} as the transformer matches a class being loaded; {@code walked} gets it if a super type walk starts. */
    private static List<Rules.Rule> matchAsLoading(AgentTransformer transformer, Class<?> type, List<String> walked) throws Exception {
        byte[] classFile;
        try (java.io.InputStream in = ClassLoader.getSystemResourceAsStream(type.getName().replace('.', '/') + ".class")) {
            classFile = in.readAllBytes();
        }
        ClassLoader loader = type.getClassLoader();
        SuperTypes superTypes = new SuperTypes();
        return transformer.matchingRules(type.getName(), loader, match -> {
            if (!match.acceptsClassFile(classFile)) {
                return false;
            }
            walked.add(type.getName());
            return match.acceptsHierarchy(ClassHeader.read(classFile), loader, superTypes);
        });
    }

    @Test
    void aThreadFactoryIsMatchedByItsNewThreadMethodBeforeAnySuperTypeIsRead() throws Exception {
        AgentTransformer transformer = new AgentTransformer(allRules(), new Ignored(), dev.jwtagent.log.AgentLog.logger("test"), null);
        List<String> walked = new ArrayList<>();
        for (Class<?> factory : List.of(CovariantThreadFactory.class, java.util.concurrent.Executors.defaultThreadFactory().getClass())) {
            List<Rules.Rule> matched = matchAsLoading(transformer, factory, walked);
            assertEquals(1, matched.size(), factory.getName());
            assertEquals(1, matched.get(0).arounds.size(), "newThread runs with the token hidden: " + factory.getName());
        }
        walked.clear();
        // The JDK's fork-join factories make threads from a pool, not from a Runnable.
        Class<?> forkJoin = java.util.concurrent.ForkJoinPool.defaultForkJoinWorkerThreadFactory.getClass();
        assertTrue(forkJoin.getName().contains("ThreadFactory"), forkJoin.getName());
        assertEquals(List.of(), matchAsLoading(transformer, forkJoin, walked));
        assertEquals(List.of(), walked, "its super types were not read");
    }

    @Test
    void noRuleThatAdmitsRequestsMatchesAClassOfTheBootstrapLoader() {
        // What lets the agent leave the bootstrap loader's classes, loaded before it, to the first request with a token.
        AgentTransformer transformer = new AgentTransformer(allRules(), new Ignored(), dev.jwtagent.log.AgentLog.logger("test"), null);
        assertFalse(transformer.startupRuleAcceptsBootstrap());
    }
}
