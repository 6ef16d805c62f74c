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
        if (token == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(token);
        }
        return previous;
    }

    /** Puts back what {@link #swap} returned. */
    public static void restore(CarriedToken previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }
}
