package dev.jwtagent.bootstrap;

/**
 * The scheme and target of the classic Apache call (Apache 4 or 5) running on this thread, with the
 * context it runs with, from before the client follows its redirects to its end: the sends of its
 * hops on this thread and with that context read them. A classic call runs on one thread, so the note is kept
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
     * A call with {@code context} made to a {@code scheme} URL on {@code host} and {@code port} (-1: the
     * scheme's default) begins on this thread (a call made from within another one, on any context, is
     * noted over it). Returns what to hand to {@link #ended}.
     */
    public static Object began(Object context, String scheme, String host, int port) {
        Object[] previous = CURRENT.get();
        CURRENT.set(new Object[] {context, scheme, host, port});
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
        Object[] call = callOf(context);
        return call == null ? null : (String) call[1];
    }

    /**
     * Whether a hop to {@code host} and {@code port} is a redirect of the call running on this thread
     * with {@code context} away from a host it went to before that may not see the token: that host
     * chose where the call goes next, path and query included, so no later hop of the call takes the
     * token (the hop to that host itself is decided, and counted, as any). The call's first host is
     * noted as it begins; a hop that leaves an allowed host notes its own, so a chain allowed, not
     * allowed, allowed is judged by the host in the middle.
     */
    public static boolean redirectedByAHostNotAllowed(Object context, String host, int port) {
        Object[] call = callOf(context);
        if (call == null || call[2] == null || host == null) {
            return false;
        }
        return FirstHops.leavesAHostNotAllowed(call, 2, (String) call[1], host, port);
    }

    private static Object[] callOf(Object context) {
        Object[] call = CURRENT.get();
        return call != null && call.length == 4 && call[0] == context ? call : null;
    }

}
