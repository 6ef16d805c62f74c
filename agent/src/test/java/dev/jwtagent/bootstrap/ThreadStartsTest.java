package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ThreadStartsTest {
    private static final CarriedToken ALICE = new CarriedToken("alice.token.value", Long.MAX_VALUE, "sha256:aaaaaaaaaaaa");
    private static final CarriedToken ALICE_AGAIN = new CarriedToken("alice.token.value", Long.MAX_VALUE, "sha256:aaaaaaaaaaaa");
    private static final CarriedToken BOB = new CarriedToken("bob.token.value", Long.MAX_VALUE, "sha256:bbbbbbbbbbbb");

    @AfterEach
    void clear() {
        TokenCarrier.restore(null);
    }

    @Test
    void aThreadCarriesItsTokenOnlyWhenTheSameIsCurrentWhereItIsStarted() {
        assertSame(ALICE, ThreadStarts.decide(ALICE, ALICE));
        assertSame(ALICE, ThreadStarts.decide(ALICE, ALICE_AGAIN));
        assertNull(ThreadStarts.decide(ALICE, BOB));
        assertNull(ThreadStarts.decide(ALICE, ThreadStarts.none()));
    }

    @Test
    void aStartNotSeenKeepsTheTokenOfWhereTheThreadWasMade() {
        assertSame(ALICE, ThreadStarts.decide(ALICE, null));
        assertNull(ThreadStarts.decide(null, BOB));
    }

    @Test
    void theRecordOfAStartIsReadOnceByTheThreadItself() throws Exception {
        TokenCarrier.swap(ALICE);
        AtomicReference<CarriedToken> seen = new AtomicReference<>();
        Thread thread = new Thread(() -> { });
        Runnable target = TokenTasks.forNewThread(() -> seen.set(TokenCarrier.current()));
        TokenCarrier.restore(null);
        ThreadStarts.starting(thread);
        // The target as the thread would run it, here on the test's thread: no record for this thread, so its own token.
        target.run();
        assertSame(ALICE, seen.get());
        // Started without a token: the record for that thread says none, and is gone once read.
        assertNull(ThreadStarts.tokenToRun(ALICE, thread));
        assertSame(ALICE, ThreadStarts.tokenToRun(ALICE, thread));
    }
}
