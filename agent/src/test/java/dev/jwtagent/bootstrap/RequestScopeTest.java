package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestScopeTest {
    private static final CarriedToken ALICE = new CarriedToken("alice-secret-token", Long.MAX_VALUE, "sha256:aaaaaaaaaaaa");
    private static final CarriedToken BOB = new CarriedToken("bob-secret-token", Long.MAX_VALUE, "sha256:bbbbbbbbbbbb");
    private static final CarriedToken CAROL = new CarriedToken("carol-secret-token", Long.MAX_VALUE, "sha256:cccccccccccc");

    /** Runs {@code body} on a thread of its own, so that each test starts from a thread that never held anything. */
    private static void onFreshThread(Runnable body) throws Throwable {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.start();
        thread.join();
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    @Test
    void aThreadThatNeverHeldATokenIsNotGivenASlotToClearOne() throws Throwable {
        onFreshThread(() -> {
            assertNull(TokenCarrier.current());
            assertNull(TokenCarrier.swap(null));
            assertNull(TokenTasks.hide());
            assertFalse(RequestScope.insideRequest());
            assertNull(TokenCarrier.existingSlot(), "nothing was stored for this thread");
        });
    }

    @Test
    void nestedScopesPutBackExactlyWhatEachFound() throws Throwable {
        onFreshThread(() -> {
            TokenCarrier.swap(BOB);
            Object outerRequest = new Object();
            Object innerRequest = new Object();

            RequestScope outer = RequestScope.open(outerRequest, ALICE);
            assertTrue(RequestScope.insideRequest());
            assertSame(ALICE, TokenCarrier.current());

            RequestScope inner = RequestScope.open(innerRequest, CAROL);
            assertSame(CAROL, TokenCarrier.current());
            CarriedToken replaced = TokenCarrier.swap(null);
            assertSame(CAROL, replaced, "a hand-off inside the request sees the request's token");
            TokenCarrier.restore(replaced);
            inner.close();

            assertSame(ALICE, TokenCarrier.current(), "the outer request's token is back");
            assertTrue(RequestScope.insideRequest());
            outer.close();

            assertSame(BOB, TokenCarrier.current(), "what the thread held before the request");
            assertFalse(RequestScope.insideRequest());
        });
    }

    @Test
    void aScopeOpenedWithoutATokenClearsTheThreadsTokenUntilItCloses() throws Throwable {
        onFreshThread(() -> {
            TokenCarrier.swap(BOB);
            RequestScope anonymous = RequestScope.open(new Object(), null);
            assertNull(TokenCarrier.current(), "an anonymous request does not run with a token left on its thread");
            anonymous.close();
            assertSame(BOB, TokenCarrier.current());
        });
    }
}
