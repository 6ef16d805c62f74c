package dev.jwtagent;

import dev.jwtagent.bootstrap.BridgeHooks;
import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.InboundDecision;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.inbound.InboundPolicy;
import dev.jwtagent.log.AgentLog;
import dev.jwtagent.log.OneLine;
import dev.jwtagent.metrics.AgentMetrics;
import dev.jwtagent.outbound.OutboundPolicy;
import org.slf4j.Logger;

import java.util.Enumeration;

/** Connects the bootstrap bridge to the plain-Java policies, with metrics and fault handling. */
final class AgentHooks implements BridgeHooks {
    private static final Logger LOG = AgentLog.logger("outbound");

    private final InboundPolicy inbound;
    private final OutboundPolicy outbound;
    private final AgentMetrics metrics;

    /** Work deferred from startup to the first request ({@link FirstRequestWork}); it runs it once. */
    private final Runnable onFirstCall;
    /** Work deferred to the first request with a token, run before the token is handed back; it runs it once. */
    private final Runnable onFirstToken;

    AgentHooks(InboundPolicy inbound, OutboundPolicy outbound, AgentMetrics metrics, Runnable onFirstCall, Runnable onFirstToken) {
        this.inbound = inbound;
        this.outbound = outbound;
        this.metrics = metrics;
        this.onFirstCall = onFirstCall;
        this.onFirstToken = onFirstToken;
    }

    @Override
    public boolean inboundReadsPath() {
        return inbound.readsPath();
    }

    @Override
    public InboundDecision decideInbound(Enumeration<String> headerValues, String servletPath, String pathInfo, String queryString) {
        onFirstCall.run();
        return withTokenWorkDone(inbound.decide(headerValues, servletPath, pathInfo, queryString));
    }

    @Override
    public InboundDecision decideInboundRemembered(String header, InboundDecision earlier, String servletPath, String pathInfo,
                                                   String queryString) {
        onFirstCall.run();
        return withTokenWorkDone(inbound.decideRemembered(header, earlier, servletPath, pathInfo, queryString));
    }

    /** A decision that makes a token current goes back only once the hand-offs can carry it. */
    private InboundDecision withTokenWorkDone(InboundDecision decision) {
        if (decision.token() != null) {
            onFirstToken.run();
        }
        return decision;
    }

    @Override
    public String outboundValue(String scheme, String host, int port, boolean headerAlreadySet) {
        return outboundValue(scheme, host, port, headerAlreadySet, true);
    }

    @Override
    public String outboundValueCountedWhenSent(String scheme, String host, int port, boolean headerAlreadySet) {
        return outboundValue(scheme, host, port, headerAlreadySet, false);
    }

    @Override
    public void outboundCountWhenSent(boolean stillThere) {
        try {
            metrics.increment(stillThere ? "propagated" : "skipped.already_set");
        } catch (RuntimeException | Error fault) {
            internalFault("outbound policy", fault);
        }
    }

    private String outboundValue(String scheme, String host, int port, boolean headerAlreadySet, boolean countNow) {
        try {
            CarriedToken token = TokenCarrier.current();
            OutboundPolicy.Outcome outcome = outbound.decide(token, scheme, host, port, headerAlreadySet);
            if (outcome == OutboundPolicy.Outcome.PROPAGATE) {
                if (countNow) {
                    metrics.increment("propagated");
                }
                if (LOG.isDebugEnabled()) {
                    LOG.debug("sending token {} to {}", token.fingerprint(), shown(host));
                }
                return outbound.headerValue(token);
            }
            recordNotSent(outcome, token, host, "");
            return null;
        } catch (RuntimeException | Error fault) {
            internalFault("outbound policy", fault);
            return null;
        }
    }

    @Override
    public boolean outboundRedirectAllowed(CarriedToken token, String scheme, String host, int port) {
        try {
            OutboundPolicy.Outcome outcome = outbound.decide(token, scheme, host, port, false);
            if (outcome == OutboundPolicy.Outcome.PROPAGATE) {
                if (LOG.isDebugEnabled()) {
                    LOG.debug("sending token {} to {} on a redirect", token.fingerprint(), shown(host));
                }
                return true;
            }
            recordNotSent(outcome, token, host, " on a redirect");
            return false;
        } catch (RuntimeException | Error fault) {
            internalFault("outbound policy", fault);
            return false;
        }
    }

    @Override
    public boolean outboundSchemeAllowed(CarriedToken token, String callScheme, String scheme, String host) {
        try {
            if (!OutboundPolicy.downgraded(callScheme, scheme, host)) {
                return true;
            }
            metrics.increment("skipped.not_allowed");
            String shown = shown(host);
            if (AgentLog.rateLimited("downgraded", shown)) {
                LOG.info("not sending token {} to {}: plain http on a call made over https (logged at most once a minute per host;"
                        + " beyond 256 hosts a minute, once for all others)", token.fingerprint(), shown);
            } else if (LOG.isDebugEnabled()) {
                // One line per decision at debug, as for refused inbound requests.
                LOG.debug("not sending token {} to {}: plain http on a call made over https", token.fingerprint(), shown);
            }
            return false;
        } catch (RuntimeException | Error fault) {
            internalFault("outbound policy", fault);
            return false;
        }
    }

    @Override
    public void foreignAttributeRemoved(String name) {
        if (AgentLog.rateLimited("foreign-attribute")) {
            AgentLog.logger("inbound").warn("removed request attribute " + name + ", set before the agent decided (by a valve, a handler"
                    + " or an AJP proxy), from a request the agent let through without it: the agent's attributes name only what it"
                    + " verified (logged at most once a minute)");
        }
    }

    @Override
    public void inboundRefusedAfterCommit() {
        if (AgentLog.rateLimited("refused-after-commit")) {
            AgentLog.logger("inbound").warn("refused a request whose response was already committed (a later dispatch, or a container component wrote it first):"
                    + " no 401 could be sent, and its servlet or filter was not called (logged at most once a minute)");
        }
    }

    @Override
    public boolean outboundHostAllowed(String scheme, String host, int port) {
        try {
            return outbound.allowsHost(scheme, host, port);
        } catch (RuntimeException | Error fault) {
            internalFault("outbound policy", fault);
            return false;
        }
    }

    @Override
    public boolean outboundAddressAllowed(CarriedToken token, String scheme, String host, int port) {
        try {
            // The whole policy, in its order: a token that has expired is counted as such, whatever the address.
            OutboundPolicy.Outcome outcome = outbound.decide(token, scheme, host, port, false);
            if (outcome == OutboundPolicy.Outcome.PROPAGATE) {
                return true;
            }
            recordNotSent(outcome, token, host, ", the address the request's connection goes to");
            return false;
        } catch (RuntimeException | Error fault) {
            internalFault("outbound policy", fault);
            return false;
        }
    }

    @Override
    public boolean outboundConnectionAllowed(CarriedToken token, String scheme, String requestHost, String connectionHost, int port) {
        String host;
        try {
            host = OutboundPolicy.connectionHostToDecide(requestHost, connectionHost);
        } catch (RuntimeException | Error fault) {
            internalFault("outbound policy", fault);
            return false;
        }
        return outboundAddressAllowed(token, scheme, host, port);
    }

    @Override
    public boolean outboundExpiredBeforeSent(long expiresAtMillis) {
        try {
            if (!outbound.expired(expiresAtMillis)) {
                return false;
            }
            metrics.increment("skipped.expired");
            LOG.debug("taking the token off a request that waited for a connection: it has expired meanwhile");
            return true;
        } catch (RuntimeException | Error fault) {
            // The request then goes on without the token, as after any fault in the outbound hooks.
            internalFault("outbound policy", fault);
            return true;
        }
    }

    private void recordNotSent(OutboundPolicy.Outcome outcome, CarriedToken token, String host, String when) {
        switch (outcome) {
            case NO_TOKEN:
                return;
            case NOT_ALLOWED:
                metrics.increment("skipped.not_allowed");
                String shown = shown(host);
                if (AgentLog.rateLimited("not-allowed", shown)) {
                    LOG.info("not sending token {} to {}{}: host is not in outbound.allowed-hosts (logged at most once a minute per host;"
                            + " beyond 256 hosts a minute, once for all others)", token.fingerprint(), shown, when);
                } else if (LOG.isDebugEnabled()) {
                    // One line per decision at debug, as for refused inbound requests.
                    LOG.debug("not sending token {} to {}{}: host is not in outbound.allowed-hosts", token.fingerprint(), shown, when);
                }
                return;
            case EXPIRED:
                metrics.increment("skipped.expired");
                LOG.debug("not sending token {}{}: it has expired", token.fingerprint(), when);
                return;
            default:
                metrics.increment("skipped.already_set");
                LOG.debug("not sending token {}{}: the request already carries the outbound header, set by the application",
                        token.fingerprint(), when);
        }
    }

    /**
     * A host as the log names it: the URL's host is the caller's to choose (a webhook URL), and a client
     * may let any character through to a proxy; escaped, and cut at the longest DNS name, also as the
     * rate limit's key, so that neither a line nor the remembered keys grow with it.
     */
    private static String shown(String host) {
        return OneLine.of(host, MAX_HOST_SHOWN);
    }

    /** The longest DNS name (RFC 1035), in characters. */
    private static final int MAX_HOST_SHOWN = 253;

    @Override
    public void shortcutOff(String kind, String detail) {
        if (AgentLog.firstTime("shortcut-off:" + kind)) {
            AgentLog.logger("inbound").info("{} (logged once)", detail);
        }
    }

    @Override
    public void outboundRedirectFault(Throwable fault) {
        metrics.increment("internal_faults");
        if (AgentLog.firstTime("fault:redirect:" + fault.getClass().getName())) {
            CarriedToken current = TokenCarrier.current();
            LOG.error("internal fault while taking the token off a redirected HttpURLConnection request; the redirected"
                    + " request may carry it (logged once)", current == null ? AgentLog.withoutMessages(fault)
                    : AgentLog.withoutSecrets(fault, current.value()));
        }
    }

    @Override
    public void servletEntryFault(String where, Throwable fault, boolean fromContainer) {
        metrics.increment("internal_faults");
        if (AgentLog.firstTime("fault:" + where + ":" + fault.getClass().getName())) {
            AgentLog.logger("inbound").error("internal fault in {}; the request was refused with 401 (logged once{})", where,
                    fromContainer ? "; messages withheld, as they may quote the request's headers" : "",
                    fromContainer ? AgentLog.withoutMessages(fault) : fault);
        }
    }

    @Override
    public void internalFault(String where, Throwable fault) {
        metrics.increment("internal_faults");
        if (AgentLog.firstTime("fault:" + where + ":" + fault.getClass().getName())) {
            // A fault while writing the header may quote the header value: log it without the current token,
            // nor one the hook writes for another thread (an I/O thread holds none): any token-shaped text.
            CarriedToken current = TokenCarrier.current();
            LOG.error("internal fault in {}; the request goes on without the token (logged once)", where,
                    AgentLog.withoutTokens(current == null ? fault : AgentLog.withoutSecrets(fault, current.value())));
        }
    }
}
