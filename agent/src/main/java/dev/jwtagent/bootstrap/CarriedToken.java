package dev.jwtagent.bootstrap;

/**
 * A verified token as it travels with the work: the raw value and when it expires.
 * Lives on the bootstrap class path so that every class loader sees one and the same type.
 * {@link #toString()} never shows the token.
 */
public final class CarriedToken {
    private final String value;
    private final long expiresAtMillis;
    private final String fingerprint;

    public CarriedToken(String value, long expiresAtMillis, String fingerprint) {
        this.value = value;
        this.expiresAtMillis = expiresAtMillis;
        this.fingerprint = fingerprint;
    }

    /** The raw token. Only the outbound header writer may ask for it. */
    public String value() {
        return value;
    }

    public long expiresAtMillis() {
        return expiresAtMillis;
    }

    /** {@code sha256:} and 12 hex digits: the only way a token is ever named in output. */
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public String toString() {
        return "CarriedToken[" + fingerprint + "]";
    }
}
