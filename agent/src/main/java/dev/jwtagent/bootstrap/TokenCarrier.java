package dev.jwtagent.bootstrap;

/**
 * The token current on this thread. A plain {@link ThreadLocal}, never an inheritable one:
 * a thread created during a request must not keep that request's token. Every setter hands
 * back what was there before, so that the caller can put it back exactly.
 */
public final class TokenCarrier {
    private static final ThreadLocal<CarriedToken> CURRENT = new ThreadLocal<>();

    private TokenCarrier() {
    }

    public static CarriedToken current() {
        return CURRENT.get();
    }

    /** Makes {@code token} (possibly null) current and returns the token it replaced. */
    public static CarriedToken swap(CarriedToken token) {
        CarriedToken previous = CURRENT.get();
        CURRENT.set(token);
        return previous;
    }

    /**
     * Puts back what {@link #swap} returned. No token is stored as null rather than removed:
     * {@code ThreadLocal.remove} clears a reference through a native call on every request, and the
     * entry left behind belongs to a bootstrap class, so it keeps no class loader alive.
     */
    public static void restore(CarriedToken previous) {
        CURRENT.set(previous);
    }
}
