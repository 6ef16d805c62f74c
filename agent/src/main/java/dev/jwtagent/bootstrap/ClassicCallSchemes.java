package dev.jwtagent.bootstrap;

/**
 * The scheme of the classic Apache call (Apache 4 or 5) running on this thread, with the context it
 * runs with, from before the client follows its redirects to its end: the sends of its hops on this
 * thread and with that context read it. A classic call runs on one thread, so the note is kept
 * with the thread, not in the application's context: a context the application shares between
 * threads would let another thread's call replace or remove it while this call is on its way, and
 * could keep one after both ended.
 */
public final class ClassicCallSchemes {
    private static final ThreadLocal<Object[]> CURRENT = new ThreadLocal<>();
    /** What {@link #began} returns when the thread held no call. */
    private static final Object[] NONE = new Object[0];

    private ClassicCallSchemes() {
    }

    /**
     * A call with {@code context} made to a {@code scheme} URL begins on this thread (a call made
     * from within another one, on any context, is noted over it). Returns what to hand to {@link #ended}.
     */
    public static Object began(Object context, String scheme) {
        Object[] previous = CURRENT.get();
        CURRENT.set(new Object[] {context, scheme});
        return previous == null ? NONE : previous;
    }

    /** The call {@link #began} noted has ended (also when it threw): the thread holds what it held before. */
    public static void ended(Object previous) {
        if (previous == NONE) {
            CURRENT.remove();
        } else if (previous instanceof Object[]) {
            CURRENT.set((Object[]) previous);
        }
    }

    /** The scheme of the call running on this thread with {@code context}; null when there is none. */
    public static String schemeOf(Object context) {
        Object[] call = CURRENT.get();
        return call != null && call.length == 2 && call[0] == context ? (String) call[1] : null;
    }
}
