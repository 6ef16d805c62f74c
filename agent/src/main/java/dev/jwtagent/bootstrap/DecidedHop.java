package dev.jwtagent.bootstrap;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The mark an HTTP client's hop request gets once the agent has decided it for {@link #token}
 * (an OkHttp request tag keyed by this class): a second look at the same hop, or a copy of it sent
 * again, is told from a new hop. Lives on the bootstrap class path so that every class loader sees
 * one and the same type; {@link #toString()} never shows the token.
 */
public final class DecidedHop {
    public final CarriedToken token;
    /**
     * True while the value the agent added to this hop is not counted yet: it is counted once, as
     * the hop is written, since the client's later steps may put another value in its place.
     */
    private final AtomicBoolean uncounted;

    /** A hop the agent added no value to. */
    public DecidedHop(CarriedToken token) {
        this(token, false);
    }

    /** {@code added}: the agent added its value to the hop, to be counted by {@link #written}. */
    public DecidedHop(CarriedToken token, boolean added) {
        this.token = token;
        this.uncounted = new AtomicBoolean(added);
    }

    /**
     * The hop is being written: the value the agent added is counted, the first time only (a hop
     * may pass the write step twice, or be written again), as propagated when {@code agentsValueGoes},
     * else as the header already set (the client's own value went in its place).
     */
    public void written(boolean agentsValueGoes) {
        if (uncounted.compareAndSet(true, false)) {
            AgentBridge.outboundCountWhenSent(agentsValueGoes);
        }
    }

    /** The agent's value was taken off the hop as expired (counted so then): it is not counted again as written. */
    public void takenOffExpired() {
        uncounted.set(false);
    }

    @Override
    public String toString() {
        return "DecidedHop[" + token.fingerprint() + "]";
    }
}
