package dev.jwtagent.bootstrap;

/**
 * The token current on this thread. A plain {@link ThreadLocal}, never an inheritable one:
 * a thread created during a request must not keep that request's token. Every setter hands
 * back what was there before, so that the caller can put it back exactly.
 *
 * <p>The thread local holds one {@link Slot} per thread, created the first time the thread is given
 * a token or a request: from then on a request or a hand-off changes a field of it, where setting
 * a thread local would write the thread's map on every request (and cleans slots of it).
 */
public final class TokenCarrier {
    /** What one thread holds: its current token, and the request whose scope it is in ({@link RequestScope}). */
    static final class Slot {
        CarriedToken token;
        Object request;
        /**
         * The token header of the last request verified on this thread, and the decision made on
         * it: the header only compared with the next request's header ({@link ServletHooks}), the
         * decision reused while it holds; neither sent or logged. Unlike the token and request, it
         * outlives the request: until another header is verified on the thread, or the same one is
         * refused or sent to an excluded path.
         */
        VerifiedHeader lastVerified;
        /**
         * The token of a fork-join worker (or caller) that joins a task, hidden while the join helps
         * run other tasks ({@code ForkJoinPool.helpJoin}), for the joined task itself when the join
         * takes it back from the joiner's own queue ({@link TokenTasks#showJoinersToken}).
         */
        CarriedToken hiddenByJoin;
    }

    private static final ThreadLocal<Slot> SLOT = new ThreadLocal<>();

    private TokenCarrier() {
    }

    public static CarriedToken current() {
        Slot slot = SLOT.get();
        return slot == null ? null : slot.token;
    }

    /** Makes {@code token} (possibly null) current and returns the token it replaced. */
    public static CarriedToken swap(CarriedToken token) {
        Slot slot = token == null ? SLOT.get() : slot();
        if (slot == null) {
            // Nothing to clear on a thread that never held a token: no slot is made for it.
            return null;
        }
        CarriedToken previous = slot.token;
        slot.token = token;
        return previous;
    }

    /** Puts back what {@link #swap} returned. */
    public static void restore(CarriedToken previous) {
        swap(previous);
    }

    /** This thread's slot, or null when it has none yet. */
    static Slot existingSlot() {
        return SLOT.get();
    }

    /** This thread's slot, made on first use. */
    static Slot slot() {
        Slot slot = SLOT.get();
        if (slot == null) {
            slot = new Slot();
            SLOT.set(slot);
        }
        return slot;
    }
}
