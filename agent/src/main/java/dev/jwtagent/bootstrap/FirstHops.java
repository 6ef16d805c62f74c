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
            if (((String) first[0]).equalsIgnoreCase(host) && (Integer) first[1] == port) {
                return false;
            }
            if (!AgentBridge.outboundHostAllowed(scheme, (String) first[0], (Integer) first[1])) {
                return true;
            }
            // Left an allowed host: the hops after this one follow what this hop's host answers (a
            // chain allowed, not allowed, allowed is judged by the host in the middle).
            first[0] = host;
            first[1] = port;
            return false;
        }
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
