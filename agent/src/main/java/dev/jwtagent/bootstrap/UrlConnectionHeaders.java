package dev.jwtagent.bootstrap;

import java.lang.ref.ReferenceQueue;
import java.lang.reflect.Method;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header the agent adds to an {@code HttpURLConnection}'s requests, decided as the JDK writes
 * each one: after the JDK has put its own headers in, its cached credentials among them, so that
 * credentials it would send preemptively go in the token's place instead of waiting for a
 * challenge the token cannot answer.
 *
 * <p>The JDK writes a request in the connection's {@code writeRequests()}, which hands the finished
 * header list ({@code sun.net.www.MessageHeader}) to its {@code HttpClient}: the first is recorded
 * for this thread in {@link #writing}, the second calls {@link #sending}. The first write of a
 * connection is decided as a call of its own; a later one (a redirect the JDK follows, a retry
 * after a challenge or a failed write) gets the header again only when every redirect so far went
 * where the token may go ({@link #redirected}) and the request carries no header of that name (the
 * credentials that answer a challenge replace the token). Every write, also one the JDK retries
 * while reading the answer, loses the agent's value once its token has expired ({@link #writingHeaders}).
 */
public final class UrlConnectionHeaders {
    private static final int USE_PROXY = 305;
    /** What {@link #writing} returns when it recorded nothing (no token current, no other call being written). */
    private static final Object NOT_RECORDED = new Object();
    private static final ThreadLocal<Object> WRITING = new ThreadLocal<>();
    private static final Map<AgentBridge.IdentityKey, Decided> DECIDED = new HashMap<>();
    private static final ReferenceQueue<Object> COLLECTED = new ReferenceQueue<>();
    private static volatile Method findValue;
    private static volatile Method set;
    private static volatile Method remove;

    private UrlConnectionHeaders() {
    }

    /**
     * {@code connection} begins to write its request on this thread. Returns what to hand to
     * {@link #doneWriting} when it is done.
     */
    public static Object writing(Object connection) {
        Object outer = WRITING.get();
        if (outer == null && TokenCarrier.current() == null) {
            // No token, and no other call being written on this thread: nothing to add, nothing to shadow.
            return NOT_RECORDED;
        }
        // Recorded even without a token while another call is being written here (code of the
        // application's runs inside a write: a cookie handler, a socket factory): its decision
        // must never be taken for this connection's.
        WRITING.set(connection);
        return outer;
    }

    /** The write {@link #writing} recorded is over (also when it threw). */
    public static void doneWriting(Object outer) {
        if (outer == NOT_RECORDED) {
            return;
        }
        if (outer == null) {
            WRITING.remove();
        } else {
            // A write that failed is written again from within the first (on a new connection).
            WRITING.set(outer);
        }
    }

    /** The JDK is about to write {@code requests}, the header list of the connection this thread writes. */
    public static void sending(Object requests) {
        try {
            Object writing = WRITING.get();
            if (!(writing instanceof HttpURLConnection) || requests == null) {
                return;
            }
            HttpURLConnection connection = (HttpURLConnection) writing;
            String name = AgentBridge.outboundHeader();
            Decided decided = decidedFor(connection);
            if (decided == null) {
                CarriedToken token = TokenCarrier.current();
                if (token == null) {
                    return;
                }
                URL url = connection.getURL();
                String value = AgentBridge.outboundValue(url.getProtocol(), url.getHost(), url.getPort(),
                        call(findValueMethod(requests), requests, name) != null);
                decided = new Decided(token, value);
                remember(connection, decided);
                if (value != null) {
                    setHeader(requests, name, value);
                    remember(requests, decided);
                }
                return;
            }
            // A later write of the same call: the header goes again where the redirects allowed it,
            // unless the request has one (credentials that answer a challenge, or the header kept).
            if (decided.value != null && decided.mayGo && call(findValueMethod(requests), requests, name) == null) {
                setHeader(requests, name, decided.value);
            }
            if (decided.value != null) {
                remember(requests, decided);
            }
        } catch (Throwable fault) {
            // The call goes on as the JDK made it, without the token.
            AgentBridge.internalFault("HttpURLConnection headers", fault);
        }
    }

    /**
     * The JDK is about to put {@code requests} on the wire ({@code HttpClient.writeRequests(MessageHeader,
     * PosterOutputStream)}): every write goes through here, also the one it retries from within
     * reading the answer (a connection that ended before the answer, a kept-alive one the server
     * had closed), which {@link #sending} does not see. Seconds may have passed since the call was
     * decided: the agent's value is taken off when its token has expired, and goes on no later write.
     */
    public static void writingHeaders(Object requests) {
        try {
            Decided decided = requests == null ? null : decidedFor(requests);
            if (decided == null || decided.value == null) {
                return;
            }
            String name = AgentBridge.outboundHeader();
            if (decided.value.equals(call(findValueMethod(requests), requests, name))
                    && AgentBridge.outboundExpiredBeforeSent(decided.token.expiresAtMillis())) {
                call(removeMethod(requests), requests, name);
                decided.mayGo = false;
            }
        } catch (Throwable fault) {
            AgentBridge.internalFault("HttpURLConnection headers", fault);
        }
    }

    /**
     * The JDK has followed a redirect of {@code connection} ({@code status}) to {@code url}, with
     * {@code requests} its header list. The new destination is decided once, here: when the token
     * may not go there, or always on a 305 (the same request sent through a proxy the response
     * names), the agent's own value is taken out of the list (the JDK keeps a header that is not
     * {@code Authorization}), and no later hop of the call gets it or is decided again.
     */
    public static void redirected(Object connection, URL url, int status, Object requests) {
        try {
            Decided decided = decidedFor(connection);
            if (decided == null || decided.value == null) {
                return;
            }
            if (decided.mayGo) {
                decided.mayGo = status != USE_PROXY
                        && AgentBridge.outboundRedirectAllowed(decided.token, url.getProtocol(), url.getHost(), url.getPort());
            }
            String name = AgentBridge.outboundHeader();
            // Only the agent's own value: a header the application set is left to it.
            if (!decided.mayGo && requests != null && decided.value.equals(call(findValueMethod(requests), requests, name))) {
                call(removeMethod(requests), requests, name);
            }
        } catch (Throwable fault) {
            AgentBridge.outboundRedirectFault(fault);
        }
    }

    /**
     * The JDK is about to hand {@code requests}, the header list of {@code connection}, to the
     * application's {@code CookieHandler} (before a redirect it follows or a retry that answers a
     * challenge, when the list still holds the agent's value of a header that is not
     * {@code Authorization}, which the JDK leaves out itself): the agent's value is taken out, and
     * returned to be put back by {@link #shownAgain}. Null when there was none.
     */
    public static String hidingFromCookieHandler(Object connection, Object requests) {
        try {
            String name = AgentBridge.outboundHeader();
            if (requests == null || "Authorization".equalsIgnoreCase(name)) {
                return null;
            }
            Decided decided = decidedFor(connection);
            if (decided == null || decided.value == null || !decided.value.equals(call(findValueMethod(requests), requests, name))) {
                return null;
            }
            call(removeMethod(requests), requests, name);
            return decided.value;
        } catch (Throwable fault) {
            AgentBridge.internalFault("HttpURLConnection headers", fault);
            return null;
        }
    }

    /** The cookie handler has been asked: the value {@link #hidingFromCookieHandler} took out goes back for the write. */
    public static void shownAgain(Object requests, String value) {
        try {
            setHeader(requests, AgentBridge.outboundHeader(), value);
        } catch (Throwable fault) {
            // The hop goes without the token.
            AgentBridge.internalFault("HttpURLConnection headers", fault);
        }
    }

    /**
     * What {@code getRequestProperty(key)} of {@code connection} answers the application: {@code value},
     * unless it is the agent's own header, which the application did not set (the JDK hides
     * {@code Authorization} there itself, but not a header of the service's own).
     */
    public static String requestProperty(Object connection, String key, String value) {
        try {
            return value != null && isAgentsOwn(connection, key, value) ? null : value;
        } catch (Throwable fault) {
            AgentBridge.internalFault("HttpURLConnection request properties", fault);
            return value;
        }
    }

    /** What {@code getRequestProperties()} of {@code connection} answers the application: {@code properties} without the agent's own header. */
    public static Map<String, List<String>> requestProperties(Object connection, Map<String, List<String>> properties) {
        try {
            if (properties == null) {
                return null;
            }
            String name = AgentBridge.outboundHeader();
            Map<String, List<String>> shown = null;
            for (Map.Entry<String, List<String>> property : properties.entrySet()) {
                if (property.getKey() == null || !property.getKey().equalsIgnoreCase(name) || property.getValue() == null) {
                    continue;
                }
                List<String> kept = new ArrayList<>();
                for (String value : property.getValue()) {
                    if (value == null || !isAgentsOwn(connection, name, value)) {
                        kept.add(value);
                    }
                }
                if (kept.size() != property.getValue().size()) {
                    if (shown == null) {
                        shown = new LinkedHashMap<>(properties);
                    }
                    if (kept.isEmpty()) {
                        shown.remove(property.getKey());
                    } else {
                        shown.put(property.getKey(), Collections.unmodifiableList(kept));
                    }
                }
            }
            return shown == null ? properties : Collections.unmodifiableMap(shown);
        } catch (Throwable fault) {
            AgentBridge.internalFault("HttpURLConnection request properties", fault);
            return properties;
        }
    }

    private static boolean isAgentsOwn(Object connection, String key, String value) {
        if (key == null || !key.equalsIgnoreCase(AgentBridge.outboundHeader())) {
            return false;
        }
        Decided decided = decidedFor(connection);
        return decided != null && value.equals(decided.value);
    }

    /** The decision for a connection, or for a header list the agent put its value in. */
    private static Decided decidedFor(Object connection) {
        synchronized (DECIDED) {
            return DECIDED.get(new AgentBridge.IdentityKey(connection, null));
        }
    }

    private static void remember(Object connection, Decided decided) {
        synchronized (DECIDED) {
            Object gone;
            while ((gone = COLLECTED.poll()) != null) {
                DECIDED.remove(gone);
            }
            DECIDED.put(new AgentBridge.IdentityKey(connection, COLLECTED), decided);
        }
    }

    private static void setHeader(Object requests, String name, String value) throws ReflectiveOperationException {
        Method method = set;
        if (method == null) {
            set = method = requests.getClass().getMethod("set", String.class, String.class);
        }
        method.invoke(requests, name, value);
    }

    private static Method findValueMethod(Object messageHeader) throws NoSuchMethodException {
        Method method = findValue;
        if (method == null) {
            findValue = method = stringMethod(messageHeader, "findValue");
        }
        return method;
    }

    private static Method removeMethod(Object messageHeader) throws NoSuchMethodException {
        Method method = remove;
        if (method == null) {
            remove = method = stringMethod(messageHeader, "remove");
        }
        return method;
    }

    private static Method stringMethod(Object messageHeader, String name) throws NoSuchMethodException {
        return messageHeader.getClass().getMethod(name, String.class);
    }

    private static Object call(Method method, Object target, String argument) throws ReflectiveOperationException {
        return method.invoke(target, argument);
    }

    /** A call's decision: the token current at its first write and the value added then (null: none). */
    private static final class Decided {
        final CarriedToken token;
        final String value;
        /** Whether the latest hop may have the header: false from the first hop that may not (or a 305) on. */
        volatile boolean mayGo = true;

        Decided(CarriedToken token, String value) {
            this.token = token;
            this.value = value;
        }
    }
}
