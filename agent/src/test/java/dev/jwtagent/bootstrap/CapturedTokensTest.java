package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an asynchronous client's request carries from the calling thread to the I/O thread that sends it. */
class CapturedTokensTest {
    private static final CarriedToken ALICE = new CarriedToken("alice.token.value", Long.MAX_VALUE, "fp-alice");

    @Test
    void aTokenAndTargetCapturedWithARequestAreTakenOnceForThatRequestOnly() {
        Object request = new Object();
        Object target = "orders.internal";
        CarriedToken before = TokenCarrier.swap(ALICE);
        try {
            AgentBridge.captureTokenFor(request, target);
        } finally {
            TokenCarrier.restore(before);
        }
        assertNull(AgentBridge.takeCapturedTokenAndTarget(new Object()), "another request, even an equal one, has none");
        assertNull(AgentBridge.takeCapturedToken(request), "not a bare captured token, and left in place");
        assertArrayEquals(new Object[] {ALICE, target}, AgentBridge.takeCapturedTokenAndTarget(request));
        assertNull(AgentBridge.takeCapturedTokenAndTarget(request), "taken once: a retry of the request has none");
    }

    @Test
    void capturesForTwoRequestsAreKeptApartAndCounted() {
        Object first = new Object();
        Object second = new Object();
        CarriedToken bob = new CarriedToken("bob.token.value", Long.MAX_VALUE, "fp-bob");
        assertFalse(AgentBridge.mayHoldCapturesFor(), "none waits before");
        CarriedToken before = TokenCarrier.swap(ALICE);
        try {
            AgentBridge.captureTokenFor(first, "orders.internal");
            TokenCarrier.swap(bob);
            AgentBridge.captureTokenFor(second, "orders.internal");
            AgentBridge.captureTokenFor(second, "billing.internal");
        } finally {
            TokenCarrier.restore(before);
        }
        assertTrue(AgentBridge.mayHoldCapturesFor());
        assertArrayEquals(new Object[] {bob, "billing.internal"}, AgentBridge.takeCapturedTokenAndTarget(second), "the later capture of one request");
        assertTrue(AgentBridge.mayHoldCapturesFor(), "the first request's still waits");
        assertArrayEquals(new Object[] {ALICE, "orders.internal"}, AgentBridge.takeCapturedTokenAndTarget(first), "not replaced by another request's");
        assertFalse(AgentBridge.mayHoldCapturesFor(), "none waits after");
        assertNull(AgentBridge.takeCapturedTokenAndTarget(first));
        assertFalse(AgentBridge.mayHoldCapturesFor());
    }

    @Test
    void aHeaderAddedToARequestIsTakenOnceForThatRequestOnly() {
        Object request = new Object();
        Object header = "Authorization: Bearer alice.token.value";
        AgentBridge.rememberAddedHeader(request, header);
        assertNull(AgentBridge.takeAddedHeader(new Object()), "another request has none");
        assertNull(AgentBridge.takeCapturedTokenAndTarget(request), "not a token and target, and left in place");
        assertSame(header, AgentBridge.takeAddedHeader(request));
        assertNull(AgentBridge.takeAddedHeader(request), "taken once");
        assertNull(AgentBridge.takeAddedHeader(null));
        AgentBridge.rememberAddedHeader(request, null);
        assertNull(AgentBridge.takeAddedHeader(request));
    }

    @Test
    void nothingIsCapturedWithoutATokenOrATarget() {
        Object request = new Object();
        assertNull(TokenCarrier.current());
        AgentBridge.captureTokenFor(request, "orders.internal");
        assertNull(AgentBridge.takeCapturedTokenAndTarget(request));
        CarriedToken before = TokenCarrier.swap(ALICE);
        try {
            AgentBridge.captureTokenFor(request, null);
        } finally {
            TokenCarrier.restore(before);
        }
        assertNull(AgentBridge.takeCapturedTokenAndTarget(request));
    }

    @Test
    void aBareCapturedTokenIsNotTakenAsATokenAndTarget() {
        Object owner = new Object();
        CarriedToken before = TokenCarrier.swap(ALICE);
        try {
            AgentBridge.captureToken(owner);
        } finally {
            TokenCarrier.restore(before);
        }
        assertNull(AgentBridge.takeCapturedTokenAndTarget(owner), "not a token and target");
        assertSame(ALICE, AgentBridge.takeCapturedToken(owner), "and still there for its own kind");
        assertNull(AgentBridge.takeCapturedToken(owner));
    }

    @Test
    void anOwnerRunsWithTheTokenCapturedWithItOrNoneAndTheThreadGetsItsOwnBack() {
        CarriedToken bob = new CarriedToken("bob.token.value", Long.MAX_VALUE, "fp-bob");
        Object alicesWaiter = new Object();
        Object tokenlessWaiter = new Object();
        CarriedToken before = TokenCarrier.swap(ALICE);
        try {
            AgentBridge.captureToken(alicesWaiter);
        } finally {
            TokenCarrier.restore(before);
        }
        AgentBridge.captureToken(tokenlessWaiter);

        before = TokenCarrier.swap(bob);
        try {
            Object replaced = AgentBridge.swapInCaptured(alicesWaiter);
            assertSame(ALICE, TokenCarrier.current(), "alice's waiter, served on bob's thread");
            AgentBridge.restoreAfterCaptured(replaced);
            assertSame(bob, TokenCarrier.current());

            replaced = AgentBridge.swapInCaptured(alicesWaiter);
            assertNull(TokenCarrier.current(), "taken once: alice's waiter served again runs with none");
            AgentBridge.restoreAfterCaptured(replaced);
            assertSame(bob, TokenCarrier.current());

            replaced = AgentBridge.swapInCaptured(tokenlessWaiter);
            assertNull(TokenCarrier.current(), "a waiter of a caller without a token");
            AgentBridge.restoreAfterCaptured(replaced);
            assertSame(bob, TokenCarrier.current());
        } finally {
            TokenCarrier.restore(before);
        }

        Object carolsWaiter = new Object();
        CarriedToken carol = new CarriedToken("carol.token.value", Long.MAX_VALUE, "fp-carol");
        before = TokenCarrier.swap(carol);
        try {
            AgentBridge.captureToken(carolsWaiter);
        } finally {
            TokenCarrier.restore(before);
        }
        assertNull(TokenCarrier.current());
        Object replaced = AgentBridge.swapInCaptured(carolsWaiter);
        assertSame(carol, TokenCarrier.current(), "on a thread without a token");
        AgentBridge.restoreAfterCaptured(replaced);
        assertNull(TokenCarrier.current(), "the thread held none before");

        before = TokenCarrier.swap(bob);
        try {
            AgentBridge.restoreAfterCaptured(null);
            assertSame(bob, TokenCarrier.current(), "null (the advice's enter failed) changes nothing");
        } finally {
            TokenCarrier.restore(before);
        }
    }

    @Test
    void aTokenSwappedInKeptStaysWithItsOwnerForTheNextTime() {
        CarriedToken alice = new CarriedToken("alice.token.value", Long.MAX_VALUE, "fp-alice");
        CarriedToken bob = new CarriedToken("bob.token.value", Long.MAX_VALUE, "fp-bob");
        Object alicesRequest = new Object();
        Object tokenlessRequest = new Object();
        CarriedToken before = TokenCarrier.swap(alice);
        try {
            AgentBridge.captureToken(alicesRequest);
        } finally {
            TokenCarrier.restore(before);
        }
        before = TokenCarrier.swap(null);
        try {
            AgentBridge.captureToken(tokenlessRequest);
        } finally {
            TokenCarrier.restore(before);
        }

        before = TokenCarrier.swap(bob);
        try {
            for (int attempt = 0; attempt < 2; attempt++) {
                Object replaced = AgentBridge.swapInCapturedKept(alicesRequest);
                assertSame(alice, TokenCarrier.current(), "alice's request, sent on bob's thread, attempt " + attempt);
                AgentBridge.restoreAfterCaptured(replaced);
                assertSame(bob, TokenCarrier.current());
            }
            Object replaced = AgentBridge.swapInCapturedKept(tokenlessRequest);
            assertNull(TokenCarrier.current(), "the request of a caller without a token, on bob's thread");
            AgentBridge.restoreAfterCaptured(replaced);
            assertSame(bob, TokenCarrier.current());
            replaced = AgentBridge.swapInCapturedKept(null);
            assertNull(TokenCarrier.current(), "no owner: none");
            AgentBridge.restoreAfterCaptured(replaced);
            assertSame(bob, TokenCarrier.current());
        } finally {
            TokenCarrier.restore(before);
        }
        Object replaced = AgentBridge.swapInCapturedKept(alicesRequest);
        assertSame(alice, TokenCarrier.current(), "on a thread without a token");
        AgentBridge.restoreAfterCaptured(replaced);
        assertNull(TokenCarrier.current(), "the thread held none before");
    }

    @Test
    void anAnswerReadOnAnotherCallersThreadRunsItsListenersWithNoneThere() {
        CarriedToken alice = new CarriedToken("alice.token.value", Long.MAX_VALUE, "fp-alice");
        CarriedToken bob = new CarriedToken("bob.token.value", Long.MAX_VALUE, "fp-bob");
        Object alicesRequest = new Object();
        Object tokenlessRequest = new Object();
        CarriedToken before = TokenCarrier.swap(alice);
        try {
            AgentBridge.captureToken(alicesRequest);
        } finally {
            TokenCarrier.restore(before);
        }

        before = TokenCarrier.swap(bob);
        try {
            Object replaced = AgentBridge.hideUnlessCaptured(alicesRequest);
            assertNull(TokenCarrier.current(), "alice's answer, read on bob's thread");
            AgentBridge.restoreAfterCaptured(replaced);
            assertSame(bob, TokenCarrier.current());
            replaced = AgentBridge.hideUnlessCaptured(tokenlessRequest);
            assertNull(TokenCarrier.current(), "the answer of a caller without a token, on bob's thread");
            AgentBridge.restoreAfterCaptured(replaced);
            assertSame(bob, TokenCarrier.current());
            replaced = AgentBridge.hideUnlessCaptured(null);
            assertNull(TokenCarrier.current(), "no owner: none");
            AgentBridge.restoreAfterCaptured(replaced);
            assertSame(bob, TokenCarrier.current());
        } finally {
            TokenCarrier.restore(before);
        }

        before = TokenCarrier.swap(alice);
        try {
            Object replaced = AgentBridge.hideUnlessCaptured(alicesRequest);
            assertNull(replaced, "alice's answer on her own thread: nothing changes");
            assertSame(alice, TokenCarrier.current());
            AgentBridge.restoreAfterCaptured(replaced);
            assertSame(alice, TokenCarrier.current());
        } finally {
            TokenCarrier.restore(before);
        }
        before = TokenCarrier.swap(new CarriedToken("alice.token.value", Long.MAX_VALUE, "fp-alice"));
        try {
            assertNull(AgentBridge.hideUnlessCaptured(alicesRequest), "the same token, carried as another object");
        } finally {
            TokenCarrier.restore(before);
        }

        assertNull(AgentBridge.hideUnlessCaptured(alicesRequest), "a thread of the library's own, with none, stays so");
        assertNull(TokenCarrier.current(), "and is not given the captured token");
    }
}
