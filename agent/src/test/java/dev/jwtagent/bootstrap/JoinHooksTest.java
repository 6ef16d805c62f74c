package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The hooks around a fork-join join: while the join helps run other tasks no token is current; the
 * joined task, taken back from the joiner's own queue inside the join, runs with the joiner's token;
 * and a task run inside the join that joins in turn never sees the outer joiner's token.
 */
class JoinHooksTest {
    private static final CarriedToken ALICE = new CarriedToken("alice.token.value", Long.MAX_VALUE, "fp-alice");
    private static final CarriedToken BOB = new CarriedToken("bob.token.value", Long.MAX_VALUE, "fp-bob");

    @AfterEach
    void noToken() {
        TokenCarrier.swap(null);
    }

    @Test
    void theJoinedTaskRunsWithTheJoinersTokenAndOtherTasksWithNone() {
        TokenCarrier.swap(ALICE);
        Object join = TokenTasks.hideForJoin();
        assertNull(TokenCarrier.current(), "helping others: hidden");
        CarriedToken shown = TokenTasks.showJoinersToken();
        assertSame(ALICE, TokenCarrier.current(), "the joined task: the joiner's");
        TokenTasks.hideJoinersToken(shown);
        assertNull(TokenCarrier.current());
        TokenTasks.unhideAfterJoin(join);
        assertSame(ALICE, TokenCarrier.current());
    }

    @Test
    void aTokenlessTaskRunInsideTheJoinThatJoinsInTurnNeverGetsTheOuterJoinersToken() {
        TokenCarrier.swap(ALICE);
        Object outer = TokenTasks.hideForJoin();
        // Another caller's task without a token, run by the outer join, joins a task of its own.
        Object inner = TokenTasks.hideForJoin();
        CarriedToken shown = TokenTasks.showJoinersToken();
        assertNull(TokenCarrier.current(), "its joined task runs with its token: none");
        TokenTasks.hideJoinersToken(shown);
        TokenTasks.unhideAfterJoin(inner);
        assertNull(TokenCarrier.current());
        // Bob's wrapped task, run by the outer join, joins a task of its own.
        CarriedToken before = TokenCarrier.swap(BOB);
        Object bobs = TokenTasks.hideForJoin();
        CarriedToken bobsShown = TokenTasks.showJoinersToken();
        assertSame(BOB, TokenCarrier.current());
        TokenTasks.hideJoinersToken(bobsShown);
        TokenTasks.unhideAfterJoin(bobs);
        TokenCarrier.restore(before);
        assertNull(TokenCarrier.current());
        CarriedToken aliceShown = TokenTasks.showJoinersToken();
        assertSame(ALICE, TokenCarrier.current(), "the outer join's own joined task still gets alice's");
        TokenTasks.hideJoinersToken(aliceShown);
        TokenTasks.unhideAfterJoin(outer);
        assertSame(ALICE, TokenCarrier.current());
    }

    @Test
    void outsideAJoinNoTokenIsShown() {
        assertNull(TokenTasks.showJoinersToken());
        assertNull(TokenCarrier.current());
        assertNull(TokenTasks.hideForJoin(), "nothing to hide, nothing to put back");
    }
}
