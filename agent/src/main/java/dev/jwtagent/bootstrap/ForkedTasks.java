package dev.jwtagent.bootstrap;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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
    /**
     * Not a map behind one lock: while any task waits with a token, every fork and every run of a
     * task in the JVM (of any caller, with a token or not, a virtual thread's too) looks here, from
     * every thread at once.
     */
    private static final ConcurrentHashMap<Object, CarriedToken> WAITING = new ConcurrentHashMap<>();
    private static final ReferenceQueue<Object> COLLECTED = new ReferenceQueue<>();
    /**
     * At least the number of entries: counted up before one is put and down after one is taken, so
     * that a task that waits with a token is never missed (the map's own size is an estimate while
     * others change it), and an empty table costs a task's run one volatile read.
     */
    private static final AtomicInteger WAITING_AT_LEAST = new AtomicInteger();

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
            dropCollected();
            WAITING_AT_LEAST.incrementAndGet();
            if (WAITING.put(new AgentBridge.IdentityKey(task, COLLECTED), token) != null) {
                WAITING_AT_LEAST.decrementAndGet();
            }
        } else if (WAITING_AT_LEAST.get() != 0) {
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
        if (task == null || WAITING_AT_LEAST.get() == 0) {
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
        dropCollected();
        return WAITING.size();
    }

    private static CarriedToken take(Object task) {
        CarriedToken token = WAITING.remove(new Lookup(task));
        if (token != null) {
            WAITING_AT_LEAST.decrementAndGet();
        }
        dropCollected();
        return token;
    }

    private static void dropCollected() {
        Reference<?> gone;
        while ((gone = COLLECTED.poll()) != null) {
            if (WAITING.remove(gone) != null) {
                WAITING_AT_LEAST.decrementAndGet();
            }
        }
    }

    /**
     * Finds a task's entry without making a reference: equal to the key of the same task (the map
     * compares the key it is given with those it holds, in that order).
     */
    private static final class Lookup {
        private final Object task;

        Lookup(Object task) {
            this.task = task;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(task);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof AgentBridge.IdentityKey && ((AgentBridge.IdentityKey) other).get() == task;
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
