package dev.jwtagent.bootstrap;

import java.lang.reflect.Method;
import java.util.Enumeration;

/**
 * The one entry point that inlined advice calls. Static, tiny and dependency-free because it
 * is loaded by the bootstrap class loader and reachable from every class loader.
 * Until the agent installs its hooks, every call is a no-op.
 */
public final class AgentBridge {
    /** Request attribute holding the {@link InboundDecision}, so later dispatches reuse it. */
    public static final String DECISION_ATTRIBUTE = "dev.jwtagent.decision";
    public static final String SUBJECT_ATTRIBUTE = "jwt.agent.subject";
    public static final String CLAIMS_ATTRIBUTE = "jwt.agent.claims";

    private static volatile BridgeHooks hooks;
    private static volatile String inboundHeader = "Authorization";
    private static volatile String outboundHeader = "Authorization";
    private static volatile Method jdkSetSystemHeader;
    private static volatile Method messageHeaderFindValue;

    private AgentBridge() {
    }

    public static void install(BridgeHooks installed, String inboundHeaderName, String outboundHeaderName) {
        inboundHeader = inboundHeaderName;
        outboundHeader = outboundHeaderName;
        hooks = installed;
    }

    public static String inboundHeader() {
        return inboundHeader;
    }

    public static String outboundHeader() {
        return outboundHeader;
    }

    public static InboundDecision decideInbound(Enumeration<String> headerValues, String servletPath, String pathInfo, String queryString) {
        BridgeHooks h = hooks;
        return h == null ? InboundDecision.PROCEED_WITHOUT_TOKEN : h.decideInbound(headerValues, servletPath, pathInfo, queryString);
    }

    public static String outboundValue(String scheme, String host, int port, boolean headerAlreadySet) {
        BridgeHooks h = hooks;
        if (h == null || TokenCarrier.current() == null) {
            return null;
        }
        return h.outboundValue(scheme, host, port, headerAlreadySet);
    }

    public static void internalFault(String where, Throwable fault) {
        BridgeHooks h = hooks;
        if (h != null) {
            h.internalFault(where, fault);
        }
    }

    /**
     * Adds a header to the JDK HttpClient's internal per-hop request. Its type is not exported,
     * so advice cannot name it; the agent opens the package to this module at startup.
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
     * Whether the JDK's internal header list of an {@code HttpURLConnection} holds {@code name}.
     * The public getter hides {@code Authorization}, so a value the application set is only
     * visible here; the agent exports the package to this module at startup.
     */
    public static boolean messageHeaderHas(Object messageHeader, String name) {
        if (messageHeader == null) {
            return false;
        }
        try {
            Method method = messageHeaderFindValue;
            if (method == null) {
                method = messageHeader.getClass().getMethod("findValue", String.class);
                messageHeaderFindValue = method;
            }
            return method.invoke(messageHeader, name) != null;
        } catch (Throwable fault) {
            internalFault("HttpURLConnection headers", fault);
            // Unknown: assume the application set it, so that nothing is overwritten.
            return true;
        }
    }
}
