package dev.jwtagent.bootstrap;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.HashMap;
import java.util.Map;

/**
 * The first hop of each call of a client that decides every hop for its own host (OkHttp): where it
 * went, and whether that host may see the token. A later hop of the call to another host follows a
 * redirect (or another follow-up) that the first hop's host chose, path and query included: when
 * that host may not see the token, neither does the hop. A hop that leaves an allowed host takes its
 * place, so a host that is not allowed later in the chain is judged the same way. The first hop is
 * the one the client sends first, after the application's interceptors, which may have moved the
 * call to another host themselves. Kept with the call, weakly, only for calls with a token; gone once the call is collected.
 */
public final class FirstHops {
    private static final Map<AgentBridge.IdentityKey, Object[]> FIRST = new HashMap<>();
    private static final ReferenceQueue<Object> COLLECTED = new ReferenceQueue<>();

    private FirstHops() {
    }

    /**
     * Whether a hop of {@code call} to this destination leaves a host the call went to before that may
     * not see the token. The call's first hop is noted here (and is not such a hop), and so is each hop
     * that leaves an allowed host.
     */
    public static boolean redirectedByAHostNotAllowed(Object call, String scheme, String host, int port) {
        if (call == null || host == null) {
            return false;
        }
        Object[] first;
        synchronized (FIRST) {
            Reference<?> gone;
            while ((gone = COLLECTED.poll()) != null) {
                FIRST.remove(gone);
            }
            first = FIRST.get(new AgentBridge.IdentityKey(call, null));
            if (first == null) {
                FIRST.put(new AgentBridge.IdentityKey(call, COLLECTED), new Object[] {host, port, null});
                return false;
            }
        }
        // A call's hops run one at a time, but an interceptor may hand the call to another thread.
        synchronized (first) {
            return leavesAHostNotAllowed(first, 0, scheme, host, port);
        }
    }

    /**
     * The decision on a hop to {@code host} and {@code port} of a call whose noted hop is
     * {@code note[at]} (its host) and {@code note[at + 1]} (its port, -1 for the scheme's default): true
     * when the hop leaves that host and that host may not see the token (it chose this hop). A hop that
     * leaves an allowed host becomes the noted one: the hops after it follow what its host answers,
     * so a chain allowed, not allowed, allowed is judged by the host in the middle. For OkHttp here and
     * the classic Apache clients ({@link ClassicCallSchemes}).
     */
    static boolean leavesAHostNotAllowed(Object[] note, int at, String scheme, String host, int port) {
        String notedHost = (String) note[at];
        int notedPort = portOf(scheme, (Integer) note[at + 1]);
        if (notedHost.equalsIgnoreCase(host) && notedPort == portOf(scheme, port)) {
            return false;
        }
        if (!AgentBridge.outboundHostAllowed(scheme, notedHost, notedPort)) {
            return true;
        }
        note[at] = host;
        note[at + 1] = port;
        return false;
    }

    private static int portOf(String scheme, int port) {
        return port >= 0 ? port : "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    /** How many calls are noted (for tests). */
    static int noted() {
        synchronized (FIRST) {
            Reference<?> gone;
            while ((gone = COLLECTED.poll()) != null) {
                FIRST.remove(gone);
            }
            return FIRST.size();
        }
    }
}
