package dev.jwtagent.bootstrap;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one entry point that inlined advice and the servlet hooks call. Static, tiny and
 * dependency-free because it is loaded by the bootstrap class loader and reachable from every
 * class loader.
 * Until the agent installs its hooks, every call is a no-op.
 */
public final class AgentBridge {
    /** Request attribute holding the {@link InboundDecision}, so later dispatches reuse it. */
    public static final String DECISION_ATTRIBUTE = "dev.jwtagent.decision";
    public static final String SUBJECT_ATTRIBUTE = "jwt.agent.subject";
    public static final String CLAIMS_ATTRIBUTE = "jwt.agent.claims";
    /** The answer when the agent itself fails while deciding on a request. */
    public static final String INTERNAL_ERROR_CHALLENGE = "Bearer error=\"invalid_token\", error_description=\"internal error\"";

    private static volatile BridgeHooks hooks;
    private static volatile String inboundHeader = "Authorization";
    private static volatile String outboundHeader = "Authorization";
    /** The installed hooks' answer, kept here: asked on every request, and fixed once they are installed. */
    private static volatile boolean inboundReadsPath = true;
    private static volatile Method jdkSetSystemHeader;
    private static volatile Method jdkHeadersMap;
    /**
     * Tokens captured by {@link #captureToken} ({@link CarriedToken}) and by {@link #captureTokenFor}
     * (the token and a target), keyed weakly by the identity of their owner. A concurrent map, not one
     * lock: asynchronous clients capture, look up and take entries for every request they send, from
     * every calling and I/O thread at once (Jetty 12 looks each request up as it is sent).
     */
    private static final Map<IdentityKey, Object> CAPTURED = new ConcurrentHashMap<>();
    private static final ReferenceQueue<Object> COLLECTED_OWNERS = new ReferenceQueue<>();

    private AgentBridge() {
    }

    public static void install(BridgeHooks installed, String inboundHeaderName, String outboundHeaderName) {
        inboundHeader = inboundHeaderName;
        outboundHeader = outboundHeaderName;
        inboundReadsPath = readsPath(installed);
        hooks = installed;
    }

    /** Whether an agent has installed its hooks in this JVM (they are shared by every copy of the agent jar). */
    public static boolean installed() {
        return hooks != null;
    }

    public static String inboundHeader() {
        return inboundHeader;
    }

    public static String outboundHeader() {
        return outboundHeader;
    }

    public static boolean inboundReadsPath() {
        return inboundReadsPath;
    }

    /** Whether {@code installed} decides on paths; when it cannot say, the path is read (the safe side). */
    private static boolean readsPath(BridgeHooks installed) {
        try {
            return installed == null || installed.inboundReadsPath();
        } catch (RuntimeException | Error e) {
            return true;
        }
    }

    public static InboundDecision decideInbound(Enumeration<String> headerValues, String servletPath, String pathInfo, String queryString) {
        BridgeHooks h = hooks;
        return h == null ? InboundDecision.PROCEED_WITHOUT_TOKEN : h.decideInbound(headerValues, servletPath, pathInfo, queryString);
    }

    /** See {@link BridgeHooks#decideInboundRemembered}. */
    public static InboundDecision decideInboundRemembered(String header, InboundDecision earlier, String servletPath, String pathInfo,
                                                          String queryString) {
        BridgeHooks h = hooks;
        return h == null ? InboundDecision.PROCEED_WITHOUT_TOKEN
                : h.decideInboundRemembered(header, earlier, servletPath, pathInfo, queryString);
    }

    public static String outboundValue(String scheme, String host, int port, boolean headerAlreadySet) {
        BridgeHooks h = hooks;
        if (h == null || TokenCarrier.current() == null) {
            return null;
        }
        return h.outboundValue(scheme, host, port, headerAlreadySet);
    }

    /** See {@link BridgeHooks#outboundValueCountedWhenSent}. */
    public static String outboundValueCountedWhenSent(String scheme, String host, int port, boolean headerAlreadySet) {
        BridgeHooks h = hooks;
        if (h == null || TokenCarrier.current() == null) {
            return null;
        }
        return h.outboundValueCountedWhenSent(scheme, host, port, headerAlreadySet);
    }

    /** See {@link BridgeHooks#outboundExpiredBeforeSent}; false before the agent is installed. */
    public static boolean outboundExpiredBeforeSent(long expiresAtMillis) {
        BridgeHooks h = hooks;
        return h != null && h.outboundExpiredBeforeSent(expiresAtMillis);
    }

    /** Called by every advice's exception handler and by the hooks: a fault there is logged once, never thrown. */
    public static void adviceFault(Throwable fault) {
        StackTraceElement[] stack = fault.getStackTrace();
        internalFault(stack.length == 0 ? "advice" : "advice in " + stack[0].getClassName() + "." + stack[0].getMethodName(), fault);
    }

    /** See {@link BridgeHooks#outboundRedirectFault}; never throws. */
    public static void outboundRedirectFault(Throwable fault) {
        BridgeHooks h = hooks;
        if (h != null) {
            try {
                h.outboundRedirectFault(fault);
            } catch (Throwable ignored) {
                // Only a log line is lost.
            }
        }
    }

    /** See {@link BridgeHooks#servletEntryFault}; never throws. */
    public static void servletEntryFault(Throwable fault, boolean fromContainer) {
        BridgeHooks h = hooks;
        if (h != null) {
            try {
                StackTraceElement[] stack = fault.getStackTrace();
                h.servletEntryFault(stack.length == 0 ? "the servlet entry"
                        : "the servlet entry, in " + stack[0].getClassName() + "." + stack[0].getMethodName(), fault, fromContainer);
            } catch (Throwable ignored) {
                // Only a log line is lost; the request is refused all the same.
            }
        }
    }

    /** See {@link BridgeHooks#internalFault}; never throws: it runs in the application's own call. */
    public static void internalFault(String where, Throwable fault) {
        BridgeHooks h = hooks;
        if (h != null) {
            try {
                h.internalFault(where, fault);
            } catch (Throwable ignored) {
                // Only a log line and a count are lost; the call goes on without the token.
            }
        }
    }

    /** See {@link BridgeHooks#shortcutOff}; never throws. */
    public static void shortcutOff(String kind, String detail) {
        BridgeHooks h = hooks;
        if (h != null) {
            try {
                h.shortcutOff(kind, detail);
            } catch (Throwable ignored) {
                // Only a log line is lost.
            }
        }
    }

    /**
     * Adds a header to the JDK HttpClient's internal per-hop request. Its type is not exported,
     * so advice cannot name it; the agent exports the package to this module before it rewrites
     * the class that calls this (see {@code BridgeExports}).
     */
    public static void setJdkSystemHeader(Object httpRequestImpl, String name, String value) {
        try {
            Method method = jdkSetSystemHeader;
            if (method == null) {
                method = httpRequestImpl.getClass().getMethod("setSystemHeader", String.class, String.class);
                jdkSetSystemHeader = method;
            }
            method.invoke(httpRequestImpl, name, value);
        } catch (Throwable fault) {
            internalFault("java.net.http header", fault);
        }
    }

    /**
     * Remembers with a JDK HttpClient hop that the agent added {@code value}, for the current token,
     * to the hop's system headers ({@code jdkSystemHeaders}, its {@code HttpHeadersBuilder}), for
     * {@link #jdkHopWritten}. The headers and the value are held weakly, and only the token's expiry
     * beside them: the hop holds both while it lives, and once it is collected nothing here keeps
     * the token in memory until a later capture clears the entry.
     */
    public static void captureJdkHop(Object hop, Object jdkSystemHeaders, String value) {
        CarriedToken token = TokenCarrier.current();
        if (token == null || hop == null || jdkSystemHeaders == null || value == null) {
            return;
        }
        expungeCollectedOwners();
        // The last element turns true once the hop has been counted.
        counted(CAPTURED.put(new IdentityKey(hop, COLLECTED_OWNERS), new Object[] {new WeakReference<>(jdkSystemHeaders),
                new WeakReference<>(value), token.expiresAtMillis(), Boolean.FALSE}), 0);
    }

    /**
     * Just before a JDK HttpClient hop {@link #captureJdkHop} remembered is written: the hop is
     * counted the first time (propagated, or the header already set when the client put credentials
     * it kept from an earlier challenge in the token's place), and the header is taken off when the
     * token has expired since the hop was made. The capture is kept while the token is valid, as the
     * client may write the same hop again (a retry).
     */
    public static void jdkHopWritten(Object hop) {
        Object found = hop == null ? null : CAPTURED.get(new IdentityKey(hop, null));
        Object[] captured = found instanceof Object[] && ((Object[]) found).length == 4 ? (Object[]) found : null;
        if (captured == null) {
            return;
        }
        try {
            Object builder = ((WeakReference<?>) captured[0]).get();
            Object added = ((WeakReference<?>) captured[1]).get();
            long expiresAtMillis = (Long) captured[2];
            if (builder == null) {
                takeCaptured(hop, Object[].class);
                return;
            }
            Method mapMethod = jdkHeadersMap;
            if (mapMethod == null) {
                mapMethod = builder.getClass().getMethod("map");
                jdkHeadersMap = mapMethod;
            }
            Map<?, ?> headers = (Map<?, ?>) mapMethod.invoke(builder);
            String name = outboundHeader;
            Object values = headers.get(name);
            // The very value the agent set (the client replaces it with a new one, never edits it).
            boolean ours = added != null && values instanceof java.util.List && ((java.util.List<?>) values).size() == 1
                    && ((java.util.List<?>) values).get(0) == added;
            boolean counted = captured[3] == Boolean.TRUE;
            if (!ours) {
                takeCaptured(hop, Object[].class);
                if (!counted) {
                    countWhenSent(false);
                }
            } else if (outboundExpiredBeforeSent(expiresAtMillis)) {
                headers.remove(name);
                takeCaptured(hop, Object[].class);
            } else if (!counted) {
                captured[3] = Boolean.TRUE;
                countWhenSent(true);
            }
        } catch (Throwable fault) {
            internalFault("java.net.http header", fault);
        }
    }

    private static void countWhenSent(boolean stillThere) {
        BridgeHooks h = hooks;
        if (h != null) {
            h.outboundCountWhenSent(stillThere);
        }
    }

    /**
     * Counts, as its request is written, a value {@link #outboundValueCountedWhenSent} gave: see
     * {@link BridgeHooks#outboundCountWhenSent}. Never throws.
     */
    public static void outboundCountWhenSent(boolean stillThere) {
        try {
            countWhenSent(stillThere);
        } catch (Throwable fault) {
            internalFault("outbound count", fault);
        }
    }

    /**
     * Remembers the current token (if any) with {@code owner}, an object of an asynchronous client
     * that is created on the calling thread and later sends from an I/O thread, where no token is
     * current. The owner is held weakly and compared by identity.
     */
    public static void captureToken(Object owner) {
        CarriedToken token = TokenCarrier.current();
        if (token == null || owner == null) {
            return;
        }
        expungeCollectedOwners();
        counted(CAPTURED.put(new IdentityKey(owner, COLLECTED_OWNERS), token), 0);
    }

    /** What {@link #swapInCaptured} returns when the thread held no token: put back as none. */
    private static final Object HELD_NO_TOKEN = new Object();

    /**
     * Makes the token {@link #captureToken} remembered with {@code owner} current, or none when it
     * remembered nothing, and returns what {@link #restoreAfterCaptured} puts back: for a library
     * object that runs its own caller's code once, on whichever thread serves it. The token is
     * taken: a second call runs with none.
     */
    public static Object swapInCaptured(Object owner) {
        CarriedToken captured = (CarriedToken) takeCaptured(owner, CarriedToken.class);
        CarriedToken previous = TokenCarrier.swap(captured);
        return previous == null ? HELD_NO_TOKEN : previous;
    }

    /**
     * As {@link #swapInCaptured}, but the token stays remembered with {@code owner}: for a library
     * object whose caller's code may run more than once, on whichever thread serves it (a request a
     * client may try on a second connection).
     */
    public static Object swapInCapturedKept(Object owner) {
        Object found = owner == null ? null : CAPTURED.get(new IdentityKey(owner, null));
        CarriedToken captured = found instanceof CarriedToken ? (CarriedToken) found : null;
        CarriedToken previous = TokenCarrier.swap(captured);
        return previous == null ? HELD_NO_TOKEN : previous;
    }

    /**
     * Hides the current token while a library runs the code of the caller who sent {@code owner}
     * (its listeners) on whichever thread reads that caller's answer: a thread that holds the token
     * {@link #captureToken} remembered with {@code owner} keeps it, and any other token is hidden
     * (none is current). A thread of the library's own, which holds none, is left as it is. Returns
     * what {@link #restoreAfterCaptured} puts back, null when nothing changed.
     */
    public static Object hideUnlessCaptured(Object owner) {
        CarriedToken current = TokenCarrier.current();
        if (current == null) {
            return null;
        }
        Object found = owner == null ? null : CAPTURED.get(new IdentityKey(owner, null));
        if (found == current || found instanceof CarriedToken && ((CarriedToken) found).value().equals(current.value())) {
            return null;
        }
        TokenCarrier.swap(null);
        return current;
    }

    /**
     * Puts back what {@link #swapInCaptured}, {@link #swapInCapturedKept} or {@link #hideUnlessCaptured}
     * replaced; nothing for null (it never ran, or changed nothing).
     */
    public static void restoreAfterCaptured(Object replaced) {
        if (replaced == HELD_NO_TOKEN) {
            TokenCarrier.swap(null);
        } else if (replaced instanceof CarriedToken) {
            TokenCarrier.restore((CarriedToken) replaced);
        }
    }

    /** Lets {@code to} carry the token captured with {@code from} as well (a hop of that exchange). */
    public static void shareCapturedToken(Object from, Object to) {
        shareCaptured(from, to, false);
    }

    /**
     * Lets {@code to}, a redirect hop of the exchange whose token was captured with {@code from},
     * know that token for {@link #takeRedirectHopToken}: the hop gets no token of its own, but a
     * client that hands the previous hop's headers to the application's redirect hook (Reactor
     * Netty) may have the token copied onto it.
     */
    public static void shareCapturedTokenWithRedirect(Object from, Object to) {
        shareCaptured(from, to, true);
    }

    private static void shareCaptured(Object from, Object to, boolean asRedirectHop) {
        if (from == null || to == null) {
            return;
        }
        Object token = CAPTURED.get(new IdentityKey(from, null));
        if (token instanceof CarriedToken) {
            expungeCollectedOwners();
            counted(CAPTURED.put(new IdentityKey(to, COLLECTED_OWNERS), asRedirectHop ? new RedirectHop((CarriedToken) token) : token), 0);
        }
    }

    /** Takes (and forgets) the token {@link #shareCapturedTokenWithRedirect} left with {@code owner}; null when none. */
    public static CarriedToken takeRedirectHopToken(Object owner) {
        RedirectHop hop = (RedirectHop) takeCaptured(owner, RedirectHop.class);
        return hop == null ? null : hop.token;
    }

    /** The token of the exchange a redirect hop belongs to: never added to the hop, only looked for on it. */
    private static final class RedirectHop {
        final CarriedToken token;

        RedirectHop(CarriedToken token) {
            this.token = token;
        }
    }

    /** Takes (and forgets) the token captured with {@code owner}; null when none was. */
    public static CarriedToken takeCapturedToken(Object owner) {
        return (CarriedToken) takeCaptured(owner, CarriedToken.class);
    }

    /**
     * Remembers the current token (if any) with {@code owner}, a request a client sends later from
     * an I/O thread, together with {@code target}, the client's own object for where it goes: for a
     * client that adds credentials of its own to the request after the calling thread has handed
     * it over. Held and compared as {@link #captureToken}. {@code target} is held strongly until the
     * request is taken, or, for a request dropped unsent, until the next capture after it was
     * collected: JDK values only, as a class of the client's would keep its class loader (a web
     * application's, after it was undeployed) that long.
     */
    public static void captureTokenFor(Object owner, Object target) {
        CarriedToken token = TokenCarrier.current();
        if (token == null || owner == null || target == null) {
            return;
        }
        expungeCollectedOwners();
        counted(CAPTURED.put(new IdentityKey(owner, COLLECTED_OWNERS), new TokenAndTarget(token, target)), 1);
    }

    /**
     * Takes (and forgets) what {@link #captureTokenFor} remembered with {@code owner}: the token
     * ({@link CarriedToken}) and the target; null when nothing was.
     */
    public static Object[] takeCapturedTokenAndTarget(Object owner) {
        if (owner == null) {
            return null;
        }
        TokenAndTarget captured = (TokenAndTarget) takeCaptured(owner, TokenAndTarget.class);
        return captured == null ? null : new Object[] {captured.token, captured.target};
    }

    /**
     * Whether any {@link #captureTokenFor} capture may be waiting: false while none is, so that a hook
     * that runs for every request of a library (its clients' and servers' alike) looks nothing up then.
     * A capture whose request was dropped unsent keeps this true until its request is collected.
     */
    public static boolean mayHoldCapturesFor() {
        return TOKEN_AND_TARGET_CAPTURES.get() > 0;
    }

    /** How many {@link TokenAndTarget} entries {@link #CAPTURED} holds. */
    private static final AtomicInteger TOKEN_AND_TARGET_CAPTURES = new AtomicInteger();

    /** Keeps {@link #TOKEN_AND_TARGET_CAPTURES} for an entry that left the map ({@code gone}) as one of {@code added} came in. */
    private static void counted(Object gone, int added) {
        int change = added - (gone instanceof TokenAndTarget ? 1 : 0);
        if (change != 0) {
            TOKEN_AND_TARGET_CAPTURES.addAndGet(change);
        }
    }

    /** What {@link #captureTokenFor} keeps: the token and the client's target. */
    private static final class TokenAndTarget {
        final CarriedToken token;
        final Object target;

        TokenAndTarget(CarriedToken token, Object target) {
            this.token = token;
            this.target = target;
        }
    }

    /**
     * Remembers that the agent added {@code header} (the client's own header object) to {@code request},
     * a request an asynchronous client writes later on an I/O thread, for {@link #takeAddedHeader} once
     * it has been written: the request stays with the application (its exchange's context) after the
     * call. Both are held weakly, the request compared by identity.
     */
    public static void rememberAddedHeader(Object request, Object header) {
        if (request == null || header == null) {
            return;
        }
        expungeCollectedOwners();
        counted(CAPTURED.put(new IdentityKey(request, COLLECTED_OWNERS), new AddedHeader(header)), 0);
    }

    /** Takes (and forgets) the header {@link #rememberAddedHeader} noted for {@code request}; null when none (or it is gone). */
    public static Object takeAddedHeader(Object request) {
        AddedHeader added = (AddedHeader) takeCaptured(request, AddedHeader.class);
        return added == null ? null : added.get();
    }

    /** A header the agent added to a request, held weakly: while it is on the request, the request holds it. */
    private static final class AddedHeader extends WeakReference<Object> {
        AddedHeader(Object header) {
            super(header);
        }
    }

    /** Takes what was captured with {@code owner} when it is of {@code kind}; leaves anything else. */
    private static Object takeCaptured(Object owner, Class<?> kind) {
        if (owner == null) {
            return null;
        }
        IdentityKey key = new IdentityKey(owner, null);
        while (true) {
            Object captured = CAPTURED.get(key);
            if (!kind.isInstance(captured)) {
                return null;
            }
            // Removed only if still the entry looked at. Another thread may have taken it meanwhile (then
            // it is gone), or captured for the owner again (then the newer capture is taken, as it was
            // behind one lock: a take never leaves an entry of its kind in place).
            if (CAPTURED.remove(key, captured)) {
                counted(captured, 0);
                return captured;
            }
        }
    }

    /** See {@link BridgeHooks#outboundRedirectAllowed}; false before the agent is installed. */
    public static boolean outboundRedirectAllowed(CarriedToken token, String scheme, String host, int port) {
        BridgeHooks h = hooks;
        return h != null && token != null && h.outboundRedirectAllowed(token, scheme, host, port);
    }

    /** See {@link BridgeHooks#outboundSchemeAllowed}; false before the agent is installed. */
    public static boolean outboundSchemeAllowed(CarriedToken token, String callScheme, String scheme, String host) {
        BridgeHooks h = hooks;
        return h != null && token != null && h.outboundSchemeAllowed(token, callScheme, scheme, host);
    }

    /** See {@link BridgeHooks#foreignAttributeRemoved}; never throws. */
    public static void foreignAttributeRemoved(String name) {
        BridgeHooks h = hooks;
        if (h != null) {
            try {
                h.foreignAttributeRemoved(name);
            } catch (Throwable ignored) {
                // Only the log line is lost.
            }
        }
    }

    /** See {@link BridgeHooks#inboundRefusedAfterCommit}; never throws. */
    public static void inboundRefusedAfterCommit() {
        BridgeHooks h = hooks;
        if (h != null) {
            try {
                h.inboundRefusedAfterCommit();
            } catch (Throwable ignored) {
                // Only the log line is lost.
            }
        }
    }

    /**
     * Whether the request line {@code requestTarget} lets {@code token} go: a request sent through a
     * forward proxy keeps an absolute URI there, and the proxy forwards it to the host that URI
     * names, whatever target the client routed it for; that host must be allowed too (logged and
     * counted when not). Any other form goes where the connection goes, decided by the caller.
     */
    public static boolean outboundRequestLineAllowed(CarriedToken token, String requestTarget) {
        String[] destination = absoluteFormDestination(requestTarget);
        if (destination == null) {
            return true;
        }
        if (destination.length == 0) {
            return false;
        }
        return outboundAddressAllowed(token, destination[0], destination[1], Integer.parseInt(destination[2]));
    }

    /**
     * The scheme, host and port (-1 when none) an absolute-form request target names; null for
     * any other form (origin-form {@code /path}, {@code *}, authority-form); empty when it looks
     * absolute but names no host that can be read, which must not carry the token.
     */
    static String[] absoluteFormDestination(String requestTarget) {
        if (requestTarget == null || requestTarget.isEmpty() || requestTarget.charAt(0) == '/' || "*".equals(requestTarget)) {
            return null;
        }
        int colon = requestTarget.indexOf(':');
        int slash = requestTarget.indexOf('/');
        if (colon <= 0 || slash < 0 || slash < colon || !requestTarget.startsWith("//", colon + 1)) {
            // No "scheme://": not absolute-form (a CONNECT's host:port, say).
            return null;
        }
        try {
            java.net.URI uri = new java.net.URI(requestTarget);
            String host = uri.getHost();
            if (host == null || uri.getScheme() == null) {
                return new String[0];
            }
            return new String[] {uri.getScheme(), host, Integer.toString(uri.getPort())};
        } catch (java.net.URISyntaxException unreadable) {
            return new String[0];
        }
    }

    /** See {@link BridgeHooks#outboundHostAllowed}; false before the agent is installed. */
    public static boolean outboundHostAllowed(String scheme, String host, int port) {
        BridgeHooks h = hooks;
        return h != null && h.outboundHostAllowed(scheme, host, port);
    }

    /** See {@link BridgeHooks#outboundAddressAllowed}; false before the agent is installed. */
    public static boolean outboundAddressAllowed(CarriedToken token, String scheme, String host, int port) {
        BridgeHooks h = hooks;
        return h != null && token != null && h.outboundAddressAllowed(token, scheme, host, port);
    }

    /** See {@link BridgeHooks#outboundConnectionAllowed}; false before the agent is installed. */
    public static boolean outboundConnectionAllowed(CarriedToken token, String scheme, String requestHost, String connectionHost,
                                                    int port) {
        BridgeHooks h = hooks;
        return h != null && token != null && h.outboundConnectionAllowed(token, scheme, requestHost, connectionHost, port);
    }

    /**
     * Whether {@code headerValue} is what the agent adds for {@code token} ({@code Bearer <token>}
     * or the bare token): for a client that copies headers from one hop to the next.
     */
    public static boolean isOutboundValueOf(String headerValue, CarriedToken token) {
        if (headerValue == null || token == null) {
            return false;
        }
        String value = token.value();
        return headerValue.equals(value)
                || headerValue.length() == value.length() + 7 && headerValue.startsWith("Bearer ") && headerValue.endsWith(value);
    }

    /** {@link #outboundValue} decided for {@code token}, whatever is current on this thread. */
    public static String outboundValueFor(CarriedToken token, String scheme, String host, int port, boolean headerAlreadySet) {
        BridgeHooks h = hooks;
        if (token == null || h == null) {
            return null;
        }
        CarriedToken previous = TokenCarrier.swap(token);
        try {
            return h.outboundValue(scheme, host, port, headerAlreadySet);
        } finally {
            TokenCarrier.restore(previous);
        }
    }

    /** {@link #outboundValueCountedWhenSent} decided for {@code token}, whatever is current on this thread. */
    public static String outboundValueCountedWhenSentFor(CarriedToken token, String scheme, String host, int port,
                                                         boolean headerAlreadySet) {
        BridgeHooks h = hooks;
        if (token == null || h == null) {
            return null;
        }
        CarriedToken previous = TokenCarrier.swap(token);
        try {
            return h.outboundValueCountedWhenSent(scheme, host, port, headerAlreadySet);
        } finally {
            TokenCarrier.restore(previous);
        }
    }

    private static void expungeCollectedOwners() {
        Object gone;
        while ((gone = COLLECTED_OWNERS.poll()) != null) {
            counted(CAPTURED.remove(gone), 0);
        }
    }

    /** A weak key equal to another only for the same referent (or itself, once collected). */
    static final class IdentityKey extends WeakReference<Object> {
        private final int hash;

        IdentityKey(Object referent, ReferenceQueue<Object> queue) {
            super(referent, queue);
            this.hash = System.identityHashCode(referent);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            if (!(other instanceof IdentityKey)) {
                return false;
            }
            Object referent = get();
            return referent != null && referent == ((IdentityKey) other).get();
        }
    }
}
