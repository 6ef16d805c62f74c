package dev.jwtagent.verify;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/** Everything the verification layer needs from configuration. Immutable once built. */
public final class VerifierSettings {
    private final List<String> issuers;
    private final List<String> audiences;
    private final List<String> algorithms;
    private final byte[] secret;
    private final Path publicKeyFile;
    private final URI jwksUrl;
    private final Duration jwksRefreshInterval;
    private final Duration jwksMinRefetchInterval;
    private final Duration jwksTimeout;
    private final Duration clockSkew;
    private final List<String> requiredClaims;
    private final int maxTokenSize;
    private final Clock clock;

    private VerifierSettings(Builder b) {
        this.issuers = copy(b.issuers);
        this.audiences = copy(b.audiences);
        this.algorithms = copy(b.algorithms);
        this.secret = b.secret == null ? null : b.secret.clone();
        this.publicKeyFile = b.publicKeyFile;
        this.jwksUrl = b.jwksUrl;
        this.jwksRefreshInterval = positive(b.jwksRefreshInterval, "jwks.refresh-interval");
        this.jwksMinRefetchInterval = notNegative(b.jwksMinRefetchInterval, "jwks.min-refetch-interval");
        this.jwksTimeout = positive(b.jwksTimeout, "jwks.timeout");
        this.clockSkew = notNegative(b.clockSkew, "clock-skew");
        this.requiredClaims = copy(b.requiredClaims);
        if (b.maxTokenSize <= 0) {
            throw new IllegalArgumentException("max-token-size: must be positive");
        }
        this.maxTokenSize = b.maxTokenSize;
        this.clock = Objects.requireNonNull(b.clock, "clock");
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> issuers() {
        return issuers;
    }

    public List<String> audiences() {
        return audiences;
    }

    public List<String> algorithms() {
        return algorithms;
    }

    /** A copy of the HMAC secret, or null. */
    public byte[] secret() {
        return secret == null ? null : secret.clone();
    }

    public Path publicKeyFile() {
        return publicKeyFile;
    }

    public URI jwksUrl() {
        return jwksUrl;
    }

    public Duration jwksRefreshInterval() {
        return jwksRefreshInterval;
    }

    public Duration jwksMinRefetchInterval() {
        return jwksMinRefetchInterval;
    }

    public Duration jwksTimeout() {
        return jwksTimeout;
    }

    public Duration clockSkew() {
        return clockSkew;
    }

    public List<String> requiredClaims() {
        return requiredClaims;
    }

    public int maxTokenSize() {
        return maxTokenSize;
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "VerifierSettings{issuers=" + issuers + ", audiences=" + audiences + ", algorithms=" + algorithms
                + ", secret=" + (secret == null ? "none" : "(" + secret.length + " bytes)")
                + ", publicKeyFile=" + publicKeyFile + ", jwksUrl=" + jwksUrl + "}";
    }

    private static List<String> copy(List<String> list) {
        if (list == null) {
            return Collections.emptyList();
        }
        for (String s : list) {
            Objects.requireNonNull(s, "list element");
        }
        return Collections.unmodifiableList(Arrays.asList(list.toArray(new String[0])));
    }

    private static Duration positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": must be a positive duration");
        }
        return d;
    }

    private static Duration notNegative(Duration d, String name) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + ": must not be negative");
        }
        return d;
    }

    public static final class Builder {
        private List<String> issuers;
        private List<String> audiences;
        private List<String> algorithms;
        private byte[] secret;
        private Path publicKeyFile;
        private URI jwksUrl;
        private Duration jwksRefreshInterval = Duration.ofMinutes(10);
        private Duration jwksMinRefetchInterval = Duration.ofSeconds(30);
        private Duration jwksTimeout = Duration.ofSeconds(5);
        private Duration clockSkew = Duration.ofSeconds(30);
        private List<String> requiredClaims;
        private int maxTokenSize = 8192;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        public Builder issuers(List<String> issuers) {
            this.issuers = issuers;
            return this;
        }

        public Builder audiences(List<String> audiences) {
            this.audiences = audiences;
            return this;
        }

        /** Allowed {@code alg} values; empty means all that the configured keys support. */
        public Builder algorithms(List<String> algorithms) {
            this.algorithms = algorithms;
            return this;
        }

        public Builder secret(byte[] secret) {
            this.secret = secret == null ? null : secret.clone();
            return this;
        }

        public Builder publicKeyFile(Path publicKeyFile) {
            this.publicKeyFile = publicKeyFile;
            return this;
        }

        public Builder jwksUrl(URI jwksUrl) {
            this.jwksUrl = jwksUrl;
            return this;
        }

        public Builder jwksRefreshInterval(Duration interval) {
            this.jwksRefreshInterval = interval;
            return this;
        }

        public Builder jwksMinRefetchInterval(Duration interval) {
            this.jwksMinRefetchInterval = interval;
            return this;
        }

        public Builder jwksTimeout(Duration timeout) {
            this.jwksTimeout = timeout;
            return this;
        }

        public Builder clockSkew(Duration skew) {
            this.clockSkew = skew;
            return this;
        }

        public Builder requiredClaims(List<String> requiredClaims) {
            this.requiredClaims = requiredClaims;
            return this;
        }

        public Builder maxTokenSize(int maxTokenSize) {
            this.maxTokenSize = maxTokenSize;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** @throws IllegalArgumentException naming the setting when a value is out of range */
        public VerifierSettings build() {
            return new VerifierSettings(this);
        }
    }
}
