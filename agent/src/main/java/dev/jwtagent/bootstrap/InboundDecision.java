package dev.jwtagent.bootstrap;

import java.util.Map;

/**
 * What the agent decided about one inbound request: go on (with a token or without one), or
 * answer it at once with the given status, {@code WWW-Authenticate} value and JSON body.
 * Kept in the request's attributes (with the claims, or on its own without them) so that later
 * dispatches of the same request reuse it.
 */
public final class InboundDecision {
    public static final InboundDecision PROCEED_WITHOUT_TOKEN = new InboundDecision(0, null, null, null, null, null, null);

    private final int rejectStatus;
    private final String wwwAuthenticate;
    private final byte[] body;
    private final CarriedToken token;
    private final String subject;
    private final Map<String, Object> claims;
    /** The claims as the request attribute holds them, naming this decision; null without claims. */
    private final DecisionClaims claimsAttribute;
    /** What the policy that decided needs to tell, later, whether the decision still stands; opaque here. */
    private final Object verdict;

    private InboundDecision(int rejectStatus, String wwwAuthenticate, byte[] body,
                            CarriedToken token, String subject, Map<String, Object> claims, Object verdict) {
        this.rejectStatus = rejectStatus;
        this.wwwAuthenticate = wwwAuthenticate;
        this.body = body;
        this.token = token;
        this.subject = subject;
        this.claims = claims;
        this.claimsAttribute = claims == null ? null : new DecisionClaims(this, claims);
        this.verdict = verdict;
    }

    public static InboundDecision proceedWith(CarriedToken token, String subject, Map<String, Object> claims) {
        return proceedWith(token, subject, claims, null);
    }

    /** {@code verdict}: see {@link #verdict()}. */
    public static InboundDecision proceedWith(CarriedToken token, String subject, Map<String, Object> claims, Object verdict) {
        return new InboundDecision(0, null, null, token, subject, claims, verdict);
    }

    public static InboundDecision reject(int status, String wwwAuthenticate, byte[] jsonBody) {
        return new InboundDecision(status, wwwAuthenticate, jsonBody, null, null, null, null);
    }

    public boolean rejects() {
        return rejectStatus != 0;
    }

    public int rejectStatus() {
        return rejectStatus;
    }

    public String wwwAuthenticate() {
        return wwwAuthenticate;
    }

    public byte[] body() {
        return body == null ? null : body.clone();
    }

    /** The verified token, or null when the request goes on without one. */
    public CarriedToken token() {
        return token;
    }

    public String subject() {
        return subject;
    }

    public Map<String, Object> claims() {
        return claims;
    }

    /** The claims for the request attribute: the same entries, and this decision for later dispatches. */
    DecisionClaims claimsAttribute() {
        return claimsAttribute;
    }

    /**
     * For a decision to go on with a token: what the inbound policy needs to tell whether the same
     * decision still holds for the next request with the same header (the token's verification,
     * still remembered and within its times), or null. Only that policy looks into it.
     */
    public Object verdict() {
        return verdict;
    }

    @Override
    public String toString() {
        return rejects() ? "InboundDecision[reject " + rejectStatus + "]"
                : "InboundDecision[proceed " + (token == null ? "without token" : token.fingerprint()) + "]";
    }
}
