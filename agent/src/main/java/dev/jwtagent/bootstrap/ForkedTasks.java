package dev.jwtagent.bootstrap;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.HashMap;
import java.util.Map;

/**
 * The token a {@code ForkJoinTask} was handed over with ({@code fork()}, or {@code execute},
 * {@code submit} or {@code invoke} of a {@code ForkJoinPool} given the task itself), current while
 * the task runs ({@code doExec}), on whichever thread runs it: a pool worker that took it, one that
 * stole it, or a joiner that runs it itself. Such a task cannot be wrapped (the pool, {@code join}
 * and {@code fork} inside it rely on its identity), so the token is kept beside it, in a table keyed
 * weakly by the task's identity, until it runs: a parallel stream's subtasks, forked by the
 * request's thread or by a worker running one of them, carry the request's token.
 *
 * <p>A task handed over with no token current is not in the table and runs as before: with whatever
 * its thread holds, which on a pool worker is none. The table is empty unless tasks handed over with
 * a token are waiting to run, and a task's run then costs one volatile read; an entry whose task was
 * never run (cancelled, its pool shut down) goes when the task is collected.
 */
public final class ForkedTasks {
    private static final Map<AgentBridge.IdentityKey, CarriedToken> WAITING = new HashMap<>();
    private static final ReferenceQueue<Object> COLLECTED = new ReferenceQueue<>();
    /** How many entries {@link #WAITING} holds: read without the lock, so that an empty table costs a task's run nothing more. */
    private static volatile int waiting;

    private ForkedTasks() {
    }

    /**
     * Before a task is handed over: it goes with the current token, or with none (an entry of an
     * earlier hand-off, a task reinitialized and forked again, is dropped). Returns nothing to keep.
     */
    public static Object handedOver(Object task) {
        if (task == null) {
            return null;
        }
        CarriedToken token = TokenCarrier.current();
        if (token != null) {
            synchronized (WAITING) {
                dropCollected();
                WAITING.put(new AgentBridge.IdentityKey(task, COLLECTED), token);
                waiting = WAITING.size();
            }
        } else if (waiting != 0) {
            take(task);
        }
        return null;
    }

    /** After the hand-off: nothing to undo. */
    public static void handOverDone(Object ignored) {
        // The entry stays until the task runs.
    }

    /**
     * Before a task runs: the token it was handed over with becomes current, and is taken out of the
     * table (a task runs once). Returns what {@link #ran} puts back, or null when the task was not
     * handed over with a token and runs with what its thread holds.
     */
    public static Object running(Object task) {
        if (waiting == 0 || task == null) {
            return null;
        }
        CarriedToken token = take(task);
        if (token == null) {
            return null;
        }
        return new Shown(TokenCarrier.swap(token));
    }

    /** After the task ran (or threw): the thread's own token, or none, is back. */
    public static void ran(Object state) {
        if (state instanceof Shown) {
            TokenCarrier.restore(((Shown) state).previous);
        }
    }

    /** How many tasks wait with a token (for tests). */
    static int waitingCount() {
        synchronized (WAITING) {
            dropCollected();
            waiting = WAITING.size();
            return waiting;
        }
    }

    private static CarriedToken take(Object task) {
        synchronized (WAITING) {
            CarriedToken token = WAITING.remove(new AgentBridge.IdentityKey(task, null));
            dropCollected();
            waiting = WAITING.size();
            return token;
        }
    }

    private static void dropCollected() {
        Reference<?> gone;
        while ((gone = COLLECTED.poll()) != null) {
            WAITING.remove(gone);
        }
    }

    /** The token the thread held before a task's own was made current (possibly none). */
    private static final class Shown {
        final CarriedToken previous;

        Shown(CarriedToken previous) {
            this.previous = previous;
        }
    }
}
