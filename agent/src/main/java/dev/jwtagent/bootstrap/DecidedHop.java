package dev.jwtagent.bootstrap;

/**
 * The mark an HTTP client's hop request gets once the agent has decided it for {@link #token}
 * (an OkHttp request tag keyed by this class): a second look at the same hop, or a copy of it sent
 * again, is told from a new hop. Lives on the bootstrap class path so that every class loader sees
 * one and the same type; {@link #toString()} never shows the token.
 */
public final class DecidedHop {
    public final CarriedToken token;

    public DecidedHop(CarriedToken token) {
        this.token = token;
    }

    @Override
    public String toString() {
        return "DecidedHop[" + token.fingerprint() + "]";
    }
}
