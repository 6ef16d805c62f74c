package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An OkHttp hop the agent decided is counted as it is written, once: as propagated when the
 * agent's value goes, as the header already set when another value went in its place, and not at
 * all when the agent added nothing or took its value off as expired (counted as expired then).
 */
class DecidedHopTest {
    private static final String NAME = "Authorization";
    private final List<String> counted = new ArrayList<>();
    private final CarriedToken alice = new CarriedToken("alice.token.value", Long.MAX_VALUE, "fp-alice");

    @BeforeEach
    void install() {
        AgentBridge.install(new OutboundOnlyHooks() {
            @Override
            public void outboundCountWhenSent(boolean stillThere) {
                counted.add(stillThere ? "propagated" : "skipped.already_set");
            }
        }, NAME, NAME);
    }

    @AfterEach
    void uninstall() {
        AgentBridge.install(null, NAME, NAME);
    }

    @Test
    void theAgentsValueWrittenCountsAsPropagatedOnce() {
        DecidedHop hop = new DecidedHop(alice, true);
        hop.written(true);
        hop.written(true);
        hop.written(false);
        assertEquals(List.of("propagated"), counted);
    }

    @Test
    void anotherValueWrittenInItsPlaceCountsAsAlreadySet() {
        DecidedHop hop = new DecidedHop(alice, true);
        hop.written(false);
        hop.written(true);
        assertEquals(List.of("skipped.already_set"), counted);
    }

    @Test
    void aValueTakenOffAsExpiredIsNotCountedAgain() {
        DecidedHop hop = new DecidedHop(alice, true);
        hop.takenOffExpired();
        hop.written(false);
        assertEquals(List.of(), counted);
    }

    @Test
    void aHopTheAgentAddedNothingToIsNotCountedAsWritten() {
        new DecidedHop(alice).written(false);
        new DecidedHop(alice, false).written(true);
        assertEquals(List.of(), counted);
    }
}
