package dev.jwtagent.bootstrap;

import java.lang.ref.ReferenceQueue;
import java.lang.reflect.Method;
import java.net.URL;
import java.util.HashMap;
import java.util.Map;

/**
 * The header the agent added to an {@code HttpURLConnection}, kept while the connection lives.
 * When the JDK follows a redirect it re-sends every header but {@code Authorization} (which it drops
 * only for another destination), and on a 305 it re-sends them all through the proxy that the
 * response names. So after each redirect the agent decides again for the new destination, and
 * takes its header back when the token may not go there, or always on a 305.
 */
public final class UrlConnectionHeaders {
    private static final int USE_PROXY = 305;
    private static final Map<AgentBridge.IdentityKey, Added> ADDED = new HashMap<>();
    private static final ReferenceQueue<Object> COLLECTED = new ReferenceQueue<>();
    private static volatile Method findValue;
    private static volatile Method remove;

    private UrlConnectionHeaders() {
    }

    /** The agent added {@code value} to {@code connection} for the token current now. */
    public static void added(Object connection, String value) {
        CarriedToken token = TokenCarrier.current();
        if (connection == null || token == null) {
            return;
        }
        synchronized (ADDED) {
            Object gone;
            while ((gone = COLLECTED.poll()) != null) {
                ADDED.remove(gone);
            }
            ADDED.put(new AgentBridge.IdentityKey(connection, COLLECTED), new Added(token, value));
        }
    }

    /**
     * The JDK has followed a redirect of {@code connection} ({@code status}) to {@code url}, with
     * {@code requests} and {@code userHeaders} its header lists ({@code sun.net.www.MessageHeader}).
     */
    public static void redirected(Object connection, URL url, int status, Object requests, Object userHeaders) {
        try {
            Added added;
            synchronized (ADDED) {
                added = ADDED.get(new AgentBridge.IdentityKey(connection, null));
            }
            if (added == null || (status != USE_PROXY
                    && AgentBridge.outboundRedirectAllowed(added.token, url.getProtocol(), url.getHost(), url.getPort()))) {
                return;
            }
            String name = AgentBridge.outboundHeader();
            // Only the agent's own value: a header the application set after all is left to it.
            if (added.value.equals(call(findValueMethod(requests), requests, name))) {
                call(removeMethod(requests), requests, name);
                if (userHeaders != null) {
                    call(removeMethod(userHeaders), userHeaders, name);
                }
            }
            // Forgotten only once the header is gone: after a fault, the next redirect tries again.
            synchronized (ADDED) {
                ADDED.remove(new AgentBridge.IdentityKey(connection, null));
            }
        } catch (Throwable fault) {
            AgentBridge.outboundRedirectFault(fault);
        }
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

    private static final class Added {
        final CarriedToken token;
        final String value;

        Added(CarriedToken token, String value) {
            this.token = token;
            this.value = value;
        }
    }
}
