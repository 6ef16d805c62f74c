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
        assertEquals(13, names.size(), "the HTTP clients' advice: " + names);
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
        assertEquals(List.of("java.base/sun.net.www", "java.net.http/jdk.internal.net.http"), exports);
    }

    @Test
    void noRuleThatAdmitsRequestsMatchesAClassOfTheBootstrapLoader() {
        // What lets the agent leave the bootstrap loader's classes, loaded before it, to the first request with a token.
        AgentTransformer transformer = new AgentTransformer(allRules(), new Ignored(), dev.jwtagent.log.AgentLog.logger("test"), null);
        assertFalse(transformer.startupRuleAcceptsBootstrap());
    }
}
