package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.config.AgentConfig;

import java.util.function.LongSupplier;

/**
 * Whether the current token may go with one outbound request. All must hold: a token is
 * current, it has not expired (no skew allowed), the request does not already carry the
 * header, and the destination is allowed.
 */
public final class OutboundPolicy {
    public enum Outcome { PROPAGATE, NO_TOKEN, ALREADY_SET, EXPIRED, NOT_ALLOWED }

    private final AllowedHosts allowedHosts;
    private final LongSupplier clockMillis;
    private final boolean bearerPrefix;

    public OutboundPolicy(AllowedHosts allowedHosts, String outboundHeader, LongSupplier clockMillis) {
        this.allowedHosts = allowedHosts;
        this.clockMillis = clockMillis;
        this.bearerPrefix = "authorization".equalsIgnoreCase(outboundHeader);
    }

    public Outcome decide(CarriedToken token, String scheme, String host, int port, boolean headerAlreadySet) {
        if (token == null) {
            return Outcome.NO_TOKEN;
        }
        if (headerAlreadySet) {
            return Outcome.ALREADY_SET;
        }
        if (expired(token.expiresAtMillis())) {
            return Outcome.EXPIRED;
        }
        if (!allowedHosts.allows(scheme, host, port)) {
            return Outcome.NOT_ALLOWED;
        }
        return Outcome.PROPAGATE;
    }

    /** Whether {@code host} (and port) is a destination the token may go to, whatever the token. */
    public boolean allowsHost(String scheme, String host, int port) {
        return allowedHosts.allows(scheme, host, port);
    }

    /**
     * The host the check of a connection's address decides on: the request's own host when
     * {@code connectionHost}, the name the resolver gave the address, is that host completed by a
     * search domain ({@code orders} connected as {@code orders.ns.svc.cluster.local}, as Netty's
     * resolver names it in a Kubernetes pod); otherwise the connection's name. Every other client is
     * decided on the name in the request, as SPEC 4 says, whatever search domain its resolver adds.
     */
    public static String connectionHostToDecide(String requestHost, String connectionHost) {
        return connectionHost != null && HostName.of(requestHost).completedAs(connectionHost) ? requestHost : connectionHost;
    }

    /**
     * Whether a hop to {@code scheme}://{@code host} of a call made to a {@code callScheme} URL is a
     * downgrade the token may not take: a call made over HTTPS sends it over plain HTTP to a loopback
     * host only (by the name, as for {@code jwks-url}), wherever a redirect or an interceptor moved it.
     */
    public static boolean downgraded(String callScheme, String scheme, String host) {
        return "https".equalsIgnoreCase(callScheme) && "http".equalsIgnoreCase(scheme) && !AgentConfig.isLoopback(host);
    }

    /** Whether a token that expires at {@code expiresAtMillis} has expired: no skew is allowed. */
    public boolean expired(long expiresAtMillis) {
        return expiresAtMillis <= clockMillis.getAsLong();
    }

    /** The value written to the outbound header. */
    public String headerValue(CarriedToken token) {
        return bearerPrefix ? "Bearer " + token.value() : token.value();
    }
}
