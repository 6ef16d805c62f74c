package dev.jwtagent.bootstrap;

import java.util.Collections;
import java.util.Enumeration;

/**
 * What advice asks the agent. Implemented by the agent itself (outside the bootstrap class
 * path) and installed into {@link AgentBridge} at startup.
 */
public interface BridgeHooks {

    /** The inbound decision for one request; never throws (an internal fault is a 401). */
    InboundDecision decideInbound(Enumeration<String> headerValues, String servletPath, String pathInfo, String queryString);

    /**
     * The inbound decision for a request whose only token header is {@code header}, a value on
     * which {@code earlier} (a decision to go on with a token) was made before: the header is not
     * parsed again, and {@code earlier} itself is returned while it still holds. By default the
     * same as deciding on that one header value.
     */
    default InboundDecision decideInboundRemembered(String header, InboundDecision earlier, String servletPath, String pathInfo,
                                                    String queryString) {
        return decideInbound(Collections.enumeration(Collections.singletonList(header)), servletPath, pathInfo, queryString);
    }

    /** Whether {@link #decideInbound} looks at the path at all (only excluded paths do): if not, it is not asked for. */
    default boolean inboundReadsPath() {
        return true;
    }

    /**
     * The header value to add to an outbound request ({@code Bearer <token>} or the bare token),
     * or null when nothing is to be added. {@code port} is -1 for the scheme's default.
     */
    String outboundValue(String scheme, String host, int port, boolean headerAlreadySet);

    /**
     * As {@link #outboundValue}, except that a value to add is not counted yet: for a client that
     * may put credentials of its own in its place before the request is written; it is counted
     * then, by {@link #outboundCountWhenSent}.
     */
    default String outboundValueCountedWhenSent(String scheme, String host, int port, boolean headerAlreadySet) {
        return null;
    }

    /**
     * Counts a value {@link #outboundValueCountedWhenSent} gave, as its request is written: as
     * propagated when it is still there, as the header already set when the client put its own
     * credentials in its place.
     */
    default void outboundCountWhenSent(boolean stillThere) {
    }

    /**
     * Whether the value the agent added for {@code token} may stay on a request that a client
     * redirects to this destination; when not, it is logged and counted as {@link #outboundValue} would.
     */
    default boolean outboundRedirectAllowed(CarriedToken token, String scheme, String host, int port) {
        return false;
    }

    /**
     * Whether {@code token} may go on a hop to {@code scheme}://{@code host} of a call made to a
     * {@code callScheme} URL: not over plain HTTP to a host that is not loopback when the call was made
     * over HTTPS; when not, it is logged and counted as not allowed.
     */
    default boolean outboundSchemeAllowed(CarriedToken token, String callScheme, String scheme, String host) {
        return false;
    }

    /** A request attribute of the agent's name (never its value) was put by something ahead of the agent and taken away. */
    default void foreignAttributeRemoved(String name) {
    }

    /**
     * A later dispatch of a request, decided anew, was refused after the application had committed
     * its response: nothing was written, and the dispatch's servlet or filter was not called.
     */
    default void inboundRefusedAfterCommit() {
    }

    /** Whether {@code outbound.allowed-hosts} allows this destination; nothing is logged or counted. */
    default boolean outboundHostAllowed(String scheme, String host, int port) {
        return false;
    }

    /**
     * Whether the address a request's connection goes to may receive {@code token}, for a client
     * whose URL and connection can name different hosts; when not, it is logged and counted as
     * {@link #outboundValue} would.
     */
    default boolean outboundAddressAllowed(CarriedToken token, String scheme, String host, int port) {
        return false;
    }

    /**
     * As {@link #outboundAddressAllowed}, for the address a request to {@code requestHost} is
     * connected to, which the client's resolver named {@code connectionHost}: a search-domain
     * completion of the request's host is decided as that host, any other name as itself.
     */
    default boolean outboundConnectionAllowed(CarriedToken token, String scheme, String requestHost, String connectionHost, int port) {
        return false;
    }

    /**
     * Whether a token the agent added to a request, which then waited for a connection, has expired
     * (at {@code expiresAtMillis}) by the time the request is sent, as {@link #outboundValue} judges
     * expiry; when it has, it is counted and logged as a token not sent because it had expired.
     */
    default boolean outboundExpiredBeforeSent(long expiresAtMillis) {
        return false;
    }

    /**
     * Records a fault of the servlet entry hooks (the request was refused), once per place and type.
     * For a fault {@code fromContainer} (thrown by the request's or response's own code) no message
     * is logged, since one may quote a header the agent never got to read.
     */
    default void servletEntryFault(String where, Throwable fault, boolean fromContainer) {
        internalFault(where, fault);
    }

    /**
     * Records a fault while the token was being taken off a redirected request, which may then
     * have carried it to the redirect's destination; logged once per type.
     */
    default void outboundRedirectFault(Throwable fault) {
        internalFault("HttpURLConnection redirect", fault);
    }

    /** Records an internal fault of advice or bridge code, once per place. */
    void internalFault(String where, Throwable fault);

    /**
     * Records that a shortcut is off and the slower general way is taken instead (nothing is
     * decided differently): logged once per {@code kind}. {@code detail} names no header value.
     */
    default void shortcutOff(String kind, String detail) {
    }
}
