package dev.jwtagent.inbound;

import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.InboundDecision;
import dev.jwtagent.log.AgentLog;
import dev.jwtagent.log.OneLine;
import dev.jwtagent.metrics.AgentMetrics;
import dev.jwtagent.verify.Fingerprint;
import dev.jwtagent.verify.RejectReason;
import dev.jwtagent.verify.TokenRejectedException;
import dev.jwtagent.verify.TokenVerifier;
import dev.jwtagent.verify.VerifiedToken;
import org.slf4j.Logger;

import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.concurrent.atomic.LongAdder;

/**
 * The inbound decision for one request, in plain Java: which token the request carries, whether
 * it is valid, and what the answer is when it is not (RFC 6750). Never throws: an internal fault
 * fails closed with 401 in enforce mode.
 */
public final class InboundPolicy {
    private static final Logger LOG = AgentLog.logger("inbound");

    private final TokenVerifier verifier;
    private final boolean enforce;
    private final boolean tokenRequired;
    private final PathPatterns excludedPaths;
    private final String headerName;
    private final boolean authorizationHeader;
    private final int maxTokenSize;
    private final AgentMetrics metrics;
    /** The counter of nearly every request, looked up once. */
    private final LongAdder verifiedCount;

    public InboundPolicy(TokenVerifier verifier, boolean enforce, boolean tokenRequired, PathPatterns excludedPaths,
                         String headerName, int maxTokenSize, AgentMetrics metrics) {
        this.verifier = verifier;
        this.enforce = enforce;
        this.tokenRequired = tokenRequired;
        this.excludedPaths = excludedPaths;
        this.headerName = headerName;
        this.authorizationHeader = "authorization".equalsIgnoreCase(headerName);
        this.maxTokenSize = maxTokenSize;
        this.metrics = metrics;
        this.verifiedCount = metrics.counter("verified");
    }

    public InboundDecision decide(Enumeration<String> headerValues, String servletPath, String pathInfo, String queryString) {
        return decide(headerValues, null, null, servletPath, pathInfo, queryString);
    }

    /**
     * The decision for a request whose only token header is {@code header}, a value on which this
     * policy decided {@code earlier} to go on with a token (the servlet hooks remember the last
     * such header and decision per thread). The header is not parsed again; the path and query are
     * decided as by {@link #decide}. {@code earlier} itself is the answer while the verifier still
     * remembers its token's verification and the token is within its times, which is what a cache
     * lookup of the token would find; otherwise the token is decided again, and refused or
     * verified again.
     */
    public InboundDecision decideRemembered(String header, InboundDecision earlier, String servletPath, String pathInfo,
                                            String queryString) {
        return decide(null, header, earlier, servletPath, pathInfo, queryString);
    }

    private InboundDecision decide(Enumeration<String> headerValues, String rememberedHeader, InboundDecision earlier,
                                   String servletPath, String pathInfo, String queryString) {
        String[] headerSeen = {rememberedHeader};
        try {
            return decideOrThrow(headerValues, earlier, servletPath, pathInfo, queryString, headerSeen);
        } catch (RuntimeException | Error fault) {
            metrics.increment("internal_faults");
            Throwable cause = fault instanceof HeaderReadFault ? fault.getCause() : fault;
            if (AgentLog.firstTime("inbound-fault:" + cause.getClass().getName())) {
                // The fault's own message may quote the header (a parser's "cannot read ..."): never log it as is.
                // One from the container's enumeration may quote a value not read yet: logged without any message.
                String header = headerSeen[0];
                String token = lastWord(header);
                LOG.error("internal fault while deciding on a request{}; failing closed (logged once)",
                        token == null ? "" : " with token " + Fingerprint.of(token),
                        fault instanceof HeaderReadFault ? AgentLog.withoutMessages(cause) : AgentLog.withoutSecrets(fault, header, token));
            }
            return enforce ? invalidToken(RejectReason.INTERNAL_ERROR.description()) : InboundDecision.PROCEED_WITHOUT_TOKEN;
        }
    }

    private InboundDecision decideOrThrow(Enumeration<String> headerValues, InboundDecision earlier, String servletPath,
                                          String pathInfo, String queryString, String[] headerSeen) {
        // Before the exclusion: a token in the URL of an excluded path (a health probe's) is logged as any other.
        if (queryString != null && carriesAccessToken(queryString)) {
            metrics.increment("query_token_ignored");
            if (AgentLog.rateLimited("query-token")) {
                LOG.warn("a request carried access_token in its query string; it is ignored (tokens are read only from the {} header)", headerName);
            }
        }
        String path = servletPath == null ? pathInfo : pathInfo == null ? servletPath : servletPath + pathInfo;
        if (!excludedPaths.isEmpty() && excludedPaths.matches(path)) {
            metrics.increment("excluded");
            LOG.debug("excluded path: not verified, goes on without a token");
            return InboundDecision.PROCEED_WITHOUT_TOKEN;
        }
        if (earlier != null) {
            return decideAgain(earlier);
        }

        String first = null;
        int count = 0;
        if (headerValues != null) {
            while (hasMore(headerValues) && count < 2) {
                String value = next(headerValues);
                if (count == 0) {
                    first = value;
                    headerSeen[0] = value;
                }
                count++;
            }
        }
        if (count > 1) {
            String description = "more than one " + headerName + " header";
            return refuseRequest("multiple_tokens", description, badRequest(description));
        }
        BearerHeader header = count == 0 ? null : BearerHeader.parse(first, authorizationHeader);
        if (header != null && header.kind == BearerHeader.Kind.MALFORMED) {
            return malformedHeader();
        }
        if (header == null || header.kind == BearerHeader.Kind.OTHER_SCHEME) {
            metrics.increment("missing");
            if (tokenRequired) {
                return refuseRequest("missing_required", "no token where one is required", missingToken());
            }
            LOG.debug("no bearer token in the {} header: goes on without a token", headerName);
            return InboundDecision.PROCEED_WITHOUT_TOKEN;
        }
        return decideToken(header.token);
    }

    /** A fault of the container's (or a request wrapper's) header enumeration, which the agent did not write. */
    private static final class HeaderReadFault extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HeaderReadFault(Throwable cause) {
            super(null, cause, false, false);
        }
    }

    private static boolean hasMore(Enumeration<String> values) {
        try {
            return values.hasMoreElements();
        } catch (RuntimeException | Error fault) {
            throw new HeaderReadFault(fault);
        }
    }

    private static String next(Enumeration<String> values) {
        try {
            return values.nextElement();
        } catch (RuntimeException | Error fault) {
            throw new HeaderReadFault(fault);
        }
    }

    /** {@code earlier} again while its verification is still remembered; else its token decided anew. */
    private InboundDecision decideAgain(InboundDecision earlier) {
        Object verdict = earlier.verdict();
        if (verdict instanceof VerifiedToken && verifier.stillRemembered((VerifiedToken) verdict)) {
            verifiedCount.increment();
            if (LOG.isDebugEnabled()) {
                LOG.debug("verified token {} of subject {}", earlier.token().fingerprint(), OneLine.of(earlier.subject()));
            }
            return earlier;
        }
        return decideToken(earlier.token().value());
    }

    /** The decision for the token of a well-formed bearer header. */
    private InboundDecision decideToken(String token) {
        try {
            // One cache lookup for a token seen before: the usual request off Tomcat's fast path.
            VerifiedToken verified = verifier.verifyRemembered(token);
            if (verified == null) {
                if (!BearerHeader.isB64Token(token)) {
                    return malformedHeader();
                }
                if (token.length() > maxTokenSize) {
                    return refuse(RejectReason.TOO_LARGE, null);
                }
                verified = verifier.verify(token);
            }
            verifiedCount.increment();
            CarriedToken carried = new CarriedToken(token, verified.expiresAt().toEpochMilli(), verified.fingerprint());
            if (LOG.isDebugEnabled()) {
                LOG.debug("verified token {} of subject {}", carried.fingerprint(), OneLine.of(verified.subject()));
            }
            return InboundDecision.proceedWith(carried, verified.subject(), verified.claims(), verified);
        } catch (TokenRejectedException rejected) {
            return refuse(rejected.reason(), token);
        }
    }

    private InboundDecision malformedHeader() {
        String description = "malformed " + headerName + " header";
        return refuseRequest("malformed_header", description, badRequest(description));
    }

    /** The token in a header value as far as it can be told without parsing: its last word. */
    private static String lastWord(String header) {
        if (header == null || header.trim().isEmpty()) {
            return null;
        }
        String[] words = header.trim().split("\\s+");
        return words[words.length - 1];
    }

    private InboundDecision refuse(RejectReason reason, String token) {
        if (reason == RejectReason.INTERNAL_ERROR) {
            // A fault the verifier caught itself (its clock, its key source): the agent's fault, not the token's.
            metrics.increment("internal_faults");
        }
        String description = reason.description();
        if (AgentLog.rateLimited("reject:" + reason)) {
            LOG.info("{} token{}: {} (logged at most once a minute per reason; see the rejected.{} counter)",
                    enforce ? "rejected" : "monitor mode: accepted invalid", token == null ? "" : " " + Fingerprint.of(token),
                    description, reason.metricName());
        } else if (LOG.isDebugEnabled()) {
            // As the once-a-minute line says it: in monitor mode the request went on.
            LOG.debug("{} token {}: {}", enforce ? "rejected" : "monitor mode: accepted invalid",
                    token == null ? "-" : Fingerprint.of(token), description);
        }
        return refuse(reason.metricName(), invalidToken(description));
    }

    /** A request refused for its headers, not for a token: logged as token refusals are, at most once a minute per kind. */
    private InboundDecision refuseRequest(String counter, String description, InboundDecision answer) {
        if (AgentLog.rateLimited("reject:" + counter)) {
            LOG.info("{} request: {} (logged at most once a minute per reason; see the rejected.{} counter)",
                    enforce ? "rejected" : "monitor mode: accepted invalid", description, counter);
        } else if (LOG.isDebugEnabled()) {
            // One line per decision at debug, as for refused tokens.
            LOG.debug("{} request: {}", enforce ? "rejected" : "monitor mode: accepted invalid", description);
        }
        return refuse(counter, answer);
    }

    private InboundDecision refuse(String counter, InboundDecision answer) {
        metrics.increment("rejected." + counter);
        if (!enforce) {
            metrics.increment("monitored");
            return InboundDecision.PROCEED_WITHOUT_TOKEN;
        }
        return answer;
    }

    private static InboundDecision invalidToken(String description) {
        return InboundDecision.reject(401, "Bearer error=\"invalid_token\", error_description=\"" + description + "\"",
                body("invalid_token", description));
    }

    private static InboundDecision badRequest(String description) {
        return InboundDecision.reject(400, "Bearer error=\"invalid_request\", error_description=\"" + description + "\"",
                body("invalid_request", description));
    }

    private static InboundDecision missingToken() {
        return InboundDecision.reject(401, "Bearer", body("unauthorized", "a bearer token is required"));
    }

    /** Descriptions are fixed ASCII phrases without quotes, so no JSON escaping is needed. */
    private static byte[] body(String error, String description) {
        return ("{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a decision looks at the request path: only when paths are excluded. */
    public boolean readsPath() {
        return !excludedPaths.isEmpty();
    }

    /**
     * Whether a query string has an {@code access_token} parameter (RFC 6750 section 2.3), with or
     * without a value, its name spelt plainly or with any of its characters percent-encoded
     * ({@code access%5Ftoken}), as the containers decode parameter names.
     */
    static boolean carriesAccessToken(String queryString) {
        for (int start = 0; start <= queryString.length(); ) {
            int end = queryString.indexOf('&', start);
            if (end < 0) {
                end = queryString.length();
            }
            int nameEnd = start;
            while (nameEnd < end && queryString.charAt(nameEnd) != '=') {
                nameEnd++;
            }
            if (isAccessTokenName(queryString, start, nameEnd)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private static final String ACCESS_TOKEN = "access_token";

    /** An ASCII hex digit's value, or -1 (Character.digit would take other scripts' digits too). */
    private static int hexDigit(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** Whether {@code query[start, end)} decodes to {@code access_token}. */
    private static boolean isAccessTokenName(String query, int start, int end) {
        int matched = 0;
        for (int i = start; i < end; matched++) {
            char c = query.charAt(i);
            if (c == '%') {
                int high = i + 1 < end ? hexDigit(query.charAt(i + 1)) : -1;
                int low = i + 2 < end ? hexDigit(query.charAt(i + 2)) : -1;
                if (high < 0 || low < 0) {
                    return false;
                }
                c = (char) (high * 16 + low);
                i += 3;
            } else {
                i++;
            }
            if (matched == ACCESS_TOKEN.length() || c != ACCESS_TOKEN.charAt(matched)) {
                return false;
            }
        }
        return matched == ACCESS_TOKEN.length();
    }
}
