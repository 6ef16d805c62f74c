package dev.jwtagent.outbound;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApacheAsync5StepsTest {
    /** Stands for a main step that holds the client's interceptors (5.4 and later). */
    static final class HoldsProcessor {
        private final Runnable processor = null;
    }

    /** Stands for one that inherits such a field but declares none itself. */
    static final class InheritsOnly extends Base {
    }

    static class Base {
        protected Runnable processor;
    }

    @Test
    void aFieldOfTheNamedTypeDeclaredByTheClassCounts() {
        assertTrue(ApacheAsync5Steps.declaresFieldOfType(HoldsProcessor.class, Runnable.class.getName()));
    }

    @Test
    void noSuchFieldOrOnlyAnInheritedOneDoesNot() {
        assertFalse(ApacheAsync5Steps.declaresFieldOfType(HoldsProcessor.class, ApacheAsync5Steps.HTTP_PROCESSOR));
        assertFalse(ApacheAsync5Steps.declaresFieldOfType(InheritsOnly.class, Runnable.class.getName()));
    }

    @Test
    void withoutTheClientsMainStepInSightTheAnswerIsAtSendSoNothingIsDecidedEarly() {
        assertTrue(ApacheAsync5Steps.interceptorsRunAtSend(Object.class));
    }
}
