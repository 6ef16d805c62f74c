package dev.jwtagent.instrument;

import dev.jwtagent.log.AgentLog;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentTransformerTest {
    private final TypeMatch threadsByCondition = TypeMatch.subtypesOf(name -> name.endsWith("Thread"), "java.lang.Runnable");
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

    @Test
    void rulesFoundByNameAndByConditionComeInTheOrderTheyWereAdded() {
        List<Rules.Rule> matched = transformer().matchingRules("java.lang.Thread", ClassLoader.getSystemClassLoader(), match -> true);
        assertEquals(Arrays.asList(thread, threadsByCondition, threadOrPool), matches(matched),
                "the library rule's loader lacks the library");
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
}
