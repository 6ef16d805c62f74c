package dev.jwtagent.bootstrap;

import java.io.OutputStream;
import java.io.Writer;
import java.lang.invoke.MethodHandle;
import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Enumeration;
import java.util.NoSuchElementException;

/**
 * What the servlet entry instrumentation calls around {@code Servlet.service} and
 * {@code Filter.doFilter}, javax and jakarta alike: {@link #enter} decides the request before the
 * method runs, {@link #exit} puts the thread back when it returns or throws.
 *
 * <p>This class is loaded by the bootstrap loader, which cannot see an application's servlet
 * API, so the request and response are used through the {@code HttpServletRequest} and
 * {@code HttpServletResponse} interfaces they implement, found by name and looked up once per
 * request and response class.
 */
public final class ServletHooks {
    /** How deep an application's request wrappers are looked into for the token a request was decided on. */
    private static final int MAX_WRAPPERS = 8;

    /** The method runs and there is no scope to close: an inner call of a decided request, or not HTTP. */
    private static final Object NOTHING_TO_CLOSE = new Object();

    private ServletHooks() {
    }

    /**
     * Before the method. Returns what to hand to {@link #exit}, or null when the request has been
     * answered here (rejected, or a fault of the agent: 401) and the method must not run.
     */
    public static Object enter(Object request, Object response) {
        try {
            if (request == null || response == null) {
                return NOTHING_TO_CLOSE;
            }
            TokenCarrier.Slot slot = TokenCarrier.slot();
            if (slot.request == request) {
                // An inner call of the request the thread is serving: decided by the outer one.
                return NOTHING_TO_CLOSE;
            }
            RequestMethods http = RequestMethods.FOR_CLASS.lookup(request.getClass());
            ResponseMethods answer = ResponseMethods.FOR_CLASS.lookup(response.getClass());
            if (http == null || answer == null) {
                // Plain (not HTTP) wrappers, as startAsync(new ServletRequestWrapper(request), new
                // ServletResponseWrapper(response)) hands a dispatch: decided on the HTTP request inside.
                Object innerRequest = http == null ? httpInside(request, true) : request;
                Object innerResponse = answer == null ? httpInside(response, false) : response;
                if (innerRequest == null || innerResponse == null) {
                    return NOTHING_TO_CLOSE;
                }
                request = innerRequest;
                response = innerResponse;
                if (slot.request == request) {
                    return NOTHING_TO_CLOSE;
                }
                http = RequestMethods.FOR_CLASS.lookup(request.getClass());
                answer = ResponseMethods.FOR_CLASS.lookup(response.getClass());
            }
            if (http.unusable != null || answer.unusable != null) {
                // An HTTP request through a servlet API this agent cannot use: not let through undecided.
                throw http.unusable != null ? http.unusable : answer.unusable;
            }
            if (slot.request != null && sameRequest(http, request, slot.request, slot.token)) {
                return NOTHING_TO_CLOSE;
            }
            // The outermost call of a request, or another request run inside one on this thread (Jetty
            // runs a completed async request's error dispatch on the completing request's thread):
            // that request gets its own decision and token, and the outer one's are back after.
            InboundDecision decision = decidedBefore(http, request);
            if (decision == null) {
                decision = decide(http, request, slot);
                if (decision.rejects()) {
                    if ((Boolean) answer.call(answer.isCommitted, response)) {
                        // A later dispatch decided anew after the application wrote its answer: no 401
                        // can be sent, and none is written into the answer; the method is not called.
                        AgentBridge.inboundRefusedAfterCommit();
                    } else {
                        answer.reject(response, decision);
                    }
                    return null;
                }
                if (decision.claimsAttribute() != null) {
                    // The claims name the decision: no attribute of its own for a request with claims.
                    http.setAttribute(request, AgentBridge.CLAIMS_ATTRIBUTE, decision.claimsAttribute());
                } else {
                    http.setAttribute(request, AgentBridge.DECISION_ATTRIBUTE, decision);
                }
                if (decision.subject() != null) {
                    http.setAttribute(request, AgentBridge.SUBJECT_ATTRIBUTE, decision.subject());
                } else {
                    removeForeign(http, request, AgentBridge.SUBJECT_ATTRIBUTE);
                }
                if (decision.claimsAttribute() == null) {
                    removeForeign(http, request, AgentBridge.CLAIMS_ATTRIBUTE);
                }
            }
            if (slot.token == null && slot.request == null) {
                // The thread held no token (the usual case): the slot itself is what exit empties, so
                // a request makes no scope object, and exit touches nothing but the slot.
                slot.request = request;
                slot.token = decision.token();
                return slot;
            }
            return RequestScope.open(slot, request, decision.token());
        } catch (ContainerFault fault) {
            // Thrown by the container's or a wrapper's code: its message may quote a header.
            AgentBridge.servletEntryFault(fault.getCause(), true);
            failClosed(response);
            return null;
        } catch (Throwable fault) {
            AgentBridge.servletEntryFault(fault instanceof InvocationTargetException ? fault.getCause() : fault, false);
            failClosed(response);
            return null;
        }
    }

    /**
     * Before an {@code AsyncListener}'s {@code onTimeout} or {@code onError}: the container calls it for a
     * request that went async, outside any dispatch (Tomcat on the thread serving the timeout, Jetty on a
     * thread of its pool), where the application's fallbacks run (Spring MVC's {@code DeferredResult.onTimeout},
     * {@code WebAsyncTask.onTimeout}). It runs with the token that request was decided on, found as an async
     * dispatch finds it, or with none; it never decides. Returns what to hand to {@link #exit}.
     */
    public static Object enterListener(Object event) {
        try {
            Object request = event == null ? null : eventRequest(event);
            if (request == null) {
                return NOTHING_TO_CLOSE;
            }
            RequestMethods http = RequestMethods.FOR_CLASS.lookup(request.getClass());
            if (http == null || http.unusable != null) {
                return NOTHING_TO_CLOSE;
            }
            TokenCarrier.Slot slot = TokenCarrier.slot();
            if (slot.request == request) {
                return NOTHING_TO_CLOSE;
            }
            InboundDecision decision = decidedBefore(http, request);
            if (decision == null || decision.rejects()) {
                return NOTHING_TO_CLOSE;
            }
            if (slot.token == null && slot.request == null) {
                slot.request = request;
                slot.token = decision.token();
                return slot;
            }
            return RequestScope.open(slot, request, decision.token());
        } catch (Throwable fault) {
            // Not a decision: the listener runs as before, with what the thread holds.
            return NOTHING_TO_CLOSE;
        }
    }

    /** The request of an {@code AsyncEvent}: the one it was supplied with, else its async context's; null when neither is there. */
    private static Object eventRequest(Object event) {
        Method[] getters = EVENT_GETTERS.lookup(event.getClass());
        if (getters == null) {
            return null;
        }
        try {
            Object request = getters[0].invoke(event);
            if (request == null) {
                Object context = getters[1].invoke(event);
                request = context == null ? null : context.getClass().getMethod("getRequest").invoke(context);
            }
            return request;
        } catch (InvocationTargetException | IllegalAccessException | NoSuchMethodException | RuntimeException e) {
            return null;
        }
    }

    /** {@code AsyncEvent.getSuppliedRequest()} and {@code getAsyncContext()} (javax or jakarta), or null for another class. */
    private static final ByClass<Method[]> EVENT_GETTERS = new ByClass<Method[]>() {
        @Override
        protected Method[] computeValue(Class<?> type) {
            Method supplied = wrapperGetter(type, "AsyncEvent", "getSuppliedRequest");
            Method context = wrapperGetter(type, "AsyncEvent", "getAsyncContext");
            return supplied == null || context == null ? null : new Method[] {supplied, context};
        }
    };

    /**
     * The HTTP request (or response) that a plain {@code ServletRequestWrapper} (or
     * {@code ServletResponseWrapper}) wraps, looked through at most {@link #MAX_WRAPPERS} levels; null
     * when there is none, or a wrapper fails to say what it wraps (then it passes as before: not HTTP).
     */
    private static Object httpInside(Object wrapper, boolean request) {
        Object each = wrapper;
        for (int depth = 0; depth < MAX_WRAPPERS; depth++) {
            Method unwrap = request ? PLAIN_REQUEST_WRAPPED.lookup(each.getClass()) : PLAIN_RESPONSE_WRAPPED.lookup(each.getClass());
            if (unwrap == null) {
                return null;
            }
            Object wrapped;
            try {
                wrapped = unwrap.invoke(each);
            } catch (InvocationTargetException | IllegalAccessException | RuntimeException e) {
                return null;
            }
            if (wrapped == null || wrapped == each) {
                return null;
            }
            boolean http = request ? RequestMethods.FOR_CLASS.lookup(wrapped.getClass()) != null
                    : ResponseMethods.FOR_CLASS.lookup(wrapped.getClass()) != null;
            if (http) {
                return wrapped;
            }
            each = wrapped;
        }
        return null;
    }

    /** {@code ServletRequestWrapper.getRequest()} for a wrapper class, or null. */
    private static final ByClass<Method> PLAIN_REQUEST_WRAPPED = new ByClass<Method>() {
        @Override
        protected Method computeValue(Class<?> type) {
            return wrapperGetter(type, "ServletRequestWrapper", "getRequest");
        }
    };

    /** {@code ServletResponseWrapper.getResponse()} for a wrapper class, or null. */
    private static final ByClass<Method> PLAIN_RESPONSE_WRAPPED = new ByClass<Method>() {
        @Override
        protected Method computeValue(Class<?> type) {
            return wrapperGetter(type, "ServletResponseWrapper", "getResponse");
        }
    };

    /** {@code getter} of the javax or jakarta class {@code simpleName} that {@code type} extends, or null. */
    static Method wrapperGetter(Class<?> type, String simpleName, String getter) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals("jakarta.servlet." + simpleName) || c.getName().equals("javax.servlet." + simpleName)) {
                try {
                    Method method = c.getMethod(getter);
                    method.setAccessible(true);
                    return method;
                } catch (NoSuchMethodException | RuntimeException e) {
                    return null;
                }
            }
        }
        return null;
    }

    /**
     * The decision for a fresh request. On Tomcat, when the request's only token header is the one
     * this thread last verified, its bytes are compared where Tomcat holds them and the policy gets
     * the decision made on that header, which it returns again while the verification holds,
     * instead of Tomcat decoding the header into a new String and the agent parsing it again and
     * looking the token up; the path and query are decided as always.
     */
    private static InboundDecision decide(RequestMethods http, Object request, TokenCarrier.Slot slot) throws Throwable {
        String name = AgentBridge.inboundHeader();
        boolean readsPath = AgentBridge.inboundReadsPath();
        String servletPath = null;
        String pathInfo = null;
        if (readsPath) {
            try {
                servletPath = http.servletPath(request);
                pathInfo = http.pathInfo(request);
                if (!sentAsRouted(http, request, servletPath, pathInfo)) {
                    // The URI as sent is not the path the container routes on (a ';' parameter, a dot segment,
                    // percent-encoding): an application that routes on the URI may run another handler than
                    // the path names, so no path is given, and no exclusion applies to this request.
                    servletPath = null;
                    pathInfo = null;
                }
            } catch (ContainerFault refused) {
                if (!(refused.getCause() instanceof RuntimeException)) {
                    throw refused;
                }
                // Jetty 12 refuses the path of an ambiguous URI its compliance mode let through (an encoded
                // '/', a '%2e' segment): not the path as sent, so no exclusion applies; the token decides.
                servletPath = null;
                pathInfo = null;
            }
        }
        String queryString = http.queryString(request);
        VerifiedHeader last = slot.lastVerified;
        if (http.tomcat != null && last != null && http.tomcat.isOnlyValue(request, name, last.latin1, last.header)) {
            InboundDecision decision = AgentBridge.decideInboundRemembered(last.header, last.decision, servletPath, pathInfo, queryString);
            if (decision.token() == null) {
                // Refused now (expired, say), or an excluded path: not kept for the next request.
                slot.lastVerified = null;
            } else if (decision != last.decision) {
                // Verified again (no longer remembered): the next request reuses the new decision.
                slot.lastVerified = last.withDecision(decision);
            }
            return decision;
        }
        Enumeration<String> values = http.getHeaders(request, name);
        FirstValueKept headers = new FirstValueKept(values);
        InboundDecision decision = AgentBridge.decideInbound(headers, servletPath, pathInfo, queryString);
        if (http.tomcat != null && decision.token() != null && headers.first != null) {
            slot.lastVerified = new VerifiedHeader(headers.first, decision);
        }
        return decision;
    }

    /** Whether the request URI, as sent, is exactly the context path, servlet path and path info. */
    private static boolean sentAsRouted(RequestMethods http, Object request, String servletPath, String pathInfo) throws Throwable {
        String uri = http.requestUri(request);
        String contextPath = http.contextPath(request);
        if (uri == null) {
            return false;
        }
        String routed = (contextPath == null ? "" : contextPath) + (servletPath == null ? "" : servletPath)
                + (pathInfo == null ? "" : pathInfo);
        return uri.equals(routed);
    }

    /** The container's header values, keeping the first one read. */
    private static final class FirstValueKept implements Enumeration<String> {
        private final Enumeration<String> values;
        String first;

        FirstValueKept(Enumeration<String> values) {
            this.values = values;
        }

        @Override
        public boolean hasMoreElements() {
            return values != null && values.hasMoreElements();
        }

        @Override
        public String nextElement() {
            if (values == null) {
                throw new NoSuchElementException();
            }
            String value = values.nextElement();
            if (first == null) {
                first = value;
            }
            return value;
        }
    }

    /**
     * Takes away an attribute of the agent's name that something ahead of the agent put on a request
     * the agent lets through without that attribute (no token, an invalid one in monitor mode, a
     * token without {@code sub}): a valve, a handler, or an AJP proxy whose attributes Tomcat lets
     * through. The application trusts these names to say what the agent verified.
     */
    private static void removeForeign(RequestMethods http, Object request, String name) throws Throwable {
        if (http.getAttribute(request, name) != null) {
            http.call(http.removeAttribute, request, name);
            AgentBridge.foreignAttributeRemoved(name);
        }
    }

    /** After the method, also when it threw. */
    public static void exit(Object state) {
        if (state instanceof TokenCarrier.Slot) {
            TokenCarrier.Slot slot = (TokenCarrier.Slot) state;
            slot.token = null;
            slot.request = null;
        } else if (state instanceof RequestScope) {
            ((RequestScope) state).close();
        }
    }

    /**
     * The decision made on an earlier dispatch of this request (async, error, a forward from another
     * thread), found in its claims or, for a request without claims, in an attribute of its own; null
     * for a request not decided yet.
     */
    private static InboundDecision decidedBefore(RequestMethods http, Object request) throws Throwable {
        Object claims = http.getAttribute(request, AgentBridge.CLAIMS_ATTRIBUTE);
        if (claims instanceof DecisionClaims) {
            // The claims map is the application's to keep and copy: one put on another request (from its
            // session, say) must not make that request's token current, so it counts only when this
            // request carries the token it was decided on; otherwise the request is decided anew.
            InboundDecision earlier = ((DecisionClaims) claims).decision();
            return earlier != null && carriesOnly(http, request, earlier.token()) ? earlier : null;
        }
        Object decision = http.getAttribute(request, AgentBridge.DECISION_ATTRIBUTE);
        return decision instanceof InboundDecision ? (InboundDecision) decision : null;
    }

    /**
     * Whether {@code request}, passed to an inner servlet or filter call, is the request an outer call
     * on this thread serves: through wrappers ({@code ServletRequestWrapper}, most of the containers'
     * forward and include requests among them), or a request of another kind that shows that
     * request's decision, carries its token (for claims) and whose token, or none, is the one
     * {@code current} on the thread.
     */
    private static boolean sameRequest(RequestMethods http, Object request, Object outer, CarriedToken current) throws Throwable {
        Object each = request;
        RequestMethods methods = http;
        for (int depth = 0; depth < MAX_WRAPPERS && methods != null && methods.unusable == null && methods.getWrapped != null; depth++) {
            Object wrapped = methods.call(methods.getWrapped, each);
            if (wrapped == outer) {
                return true;
            }
            if (wrapped == null || wrapped == each) {
                break;
            }
            methods = RequestMethods.FOR_CLASS.lookup(wrapped.getClass());
            each = wrapped;
        }
        RequestMethods outerMethods = RequestMethods.FOR_CLASS.lookup(outer.getClass());
        if (outerMethods == null || outerMethods.unusable != null) {
            return false;
        }
        Object decision = decisionAttribute(http, request);
        if (decision == null || decision != decisionAttribute(outerMethods, outer)) {
            return false;
        }
        // Every request decided without a token shows the same decision, and a stage of another
        // caller's, run inside the outer call, may hold that caller's token: such an inner call is
        // decided as a request of its own, which puts its token (or none) in place while it runs.
        if (!(decision instanceof DecisionClaims)) {
            return current == null;
        }
        // Claims the application copied onto another request count only with the token they name.
        InboundDecision decided = ((DecisionClaims) decision).decision();
        return decided != null && decided.token() == current && carriesOnly(http, request, decided.token());
    }

    /** The decision a request carries (its claims, or the attribute of a request without claims), or null. */
    private static Object decisionAttribute(RequestMethods http, Object request) throws Throwable {
        Object claims = http.getAttribute(request, AgentBridge.CLAIMS_ATTRIBUTE);
        if (claims instanceof DecisionClaims) {
            return claims;
        }
        Object decision = http.getAttribute(request, AgentBridge.DECISION_ATTRIBUTE);
        return decision instanceof InboundDecision ? decision : null;
    }

    /**
     * Whether the request, or a request it wraps (an application's wrapper dispatched again, which
     * may hide or change the header), has as its only token header one ending in {@code token}'s value.
     */
    private static boolean carriesOnly(RequestMethods http, Object request, CarriedToken token) throws Throwable {
        if (token == null) {
            return false;
        }
        Object each = request;
        RequestMethods methods = http;
        for (int depth = 0; depth < MAX_WRAPPERS; depth++) {
            // A plain (not HTTP) wrapper has no headers to ask: the request inside it is asked.
            if (methods != null && carriesOnlyItself(methods, each, token)) {
                return true;
            }
            Object wrapped = wrappedRequest(methods, each);
            if (wrapped == null || wrapped == each) {
                return false;
            }
            methods = RequestMethods.FOR_CLASS.lookup(wrapped.getClass());
            if (methods != null && methods.unusable != null) {
                return false;
            }
            each = wrapped;
        }
        return false;
    }

    /** The request {@code request} wraps (an HTTP or a plain {@code ServletRequestWrapper}), or null. */
    private static Object wrappedRequest(RequestMethods methods, Object request) throws Throwable {
        if (methods != null) {
            return methods.getWrapped == null ? null : methods.call(methods.getWrapped, request);
        }
        Method unwrap = PLAIN_REQUEST_WRAPPED.lookup(request.getClass());
        if (unwrap == null) {
            return null;
        }
        try {
            return unwrap.invoke(request);
        } catch (InvocationTargetException e) {
            throw new ContainerFault(e.getCause());
        }
    }

    /** Whether the request's only token header ends in {@code token}'s value, as a word of its own. */
    private static boolean carriesOnlyItself(RequestMethods http, Object request, CarriedToken token) throws Throwable {
        Enumeration<String> values;
        try {
            values = http.getHeaders(request, AgentBridge.inboundHeader());
        } catch (ContainerFault fault) {
            if (!(fault.getCause() instanceof UnsupportedOperationException)) {
                throw fault;
            }
            // A container's HTTP adapter of a plain wrapper (Jetty's ServletRequestHttpWrapper) has no
            // headers: the request it wraps is asked instead.
            return false;
        }
        if (values == null || !values.hasMoreElements()) {
            return false;
        }
        String header = values.nextElement();
        if (header == null || values.hasMoreElements()) {
            return false;
        }
        String value = header.trim();
        int start = value.length() - token.value().length();
        return start >= 0 && value.endsWith(token.value()) && (start == 0 || value.charAt(start - 1) == ' ' || value.charAt(start - 1) == '\t');
    }

    /** The agent could not decide: 401, unless the response is already on its way. */
    private static void failClosed(Object response) {
        try {
            ResponseMethods answer = ResponseMethods.FOR_CLASS.lookup(response.getClass());
            if (answer != null && answer.unusable == null && !(Boolean) answer.call(answer.isCommitted, response)) {
                // Whatever the application buffered does not go out under the 401.
                answer.call(answer.resetBuffer, response);
                answer.call(answer.setStatus, response, 401);
                answer.call(answer.setHeader, response, "WWW-Authenticate", AgentBridge.INTERNAL_ERROR_CHALLENGE);
                answer.call(answer.setHeader, response, "Cache-Control", "no-store");
            }
        } catch (Throwable ignored) {
            // Nothing more can be done for this response; the fault is already logged.
        }
    }

    /** What a request's or response's own method threw, as its cause. */
    private static final class ContainerFault extends Exception {
        private static final long serialVersionUID = 1L;

        ContainerFault(Throwable cause) {
            super(null, cause, false, false);
        }
    }

    /** The public interface named one of {@code names} that {@code type} implements, or null. */
    static Class<?> findInterface(Class<?> type, String... names) {
        Deque<Class<?>> pending = new ArrayDeque<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            pending.add(c);
        }
        while (!pending.isEmpty()) {
            Class<?> next = pending.poll();
            if (next.isInterface()) {
                for (String name : names) {
                    if (next.getName().equals(name)) {
                        return next;
                    }
                }
            }
            for (Class<?> each : next.getInterfaces()) {
                pending.add(each);
            }
        }
        return null;
    }

    /**
     * One servlet API interface's methods, looked up by name. A method the interface lacks (a
     * stripped or stub API) is recorded in {@link #unusable}: such a request is not let through.
     */
    private abstract static class Methods {
        private final Class<?> api;
        /** Why the API cannot be used, or null. */
        NoSuchMethodException unusable;

        Methods(Class<?> api) {
            this.api = api;
        }

        Method find(String name, Class<?>... parameters) {
            try {
                Method method = api.getMethod(name, parameters);
                try {
                    // Public methods of a public interface: allowed, and spares each call the access check.
                    method.setAccessible(true);
                } catch (RuntimeException e) {
                    // Checked on each call instead.
                }
                return method;
            } catch (NoSuchMethodException e) {
                if (unusable == null) {
                    unusable = e;
                }
                return null;
            }
        }

        /** Calls {@code method}; what it throws comes back as a {@link ContainerFault}. */
        Object call(Method method, Object target, Object... arguments) throws Throwable {
            try {
                return method.invoke(target, arguments);
            } catch (InvocationTargetException e) {
                throw new ContainerFault(e.getCause());
            }
        }
    }

    /**
     * A {@link ClassValue} that first asks whether the class is the one seen last: a container hands
     * every request in the same class. That class is held weakly; the value found holds the servlet
     * API's interfaces, which belong to the container, until a request of another class comes.
     */
    private abstract static class ByClass<T> extends ClassValue<T> {
        /** Immutable, so a plain field publishes it safely; a race only costs a lookup. */
        private LastSeen<T> last;

        T lookup(Class<?> type) {
            LastSeen<T> seen = last;
            if (seen == null || seen.type.get() != type) {
                seen = new LastSeen<>(type, get(type));
                last = seen;
            }
            return seen.value;
        }
    }

    private static final class LastSeen<T> {
        final WeakReference<Class<?>> type;
        final T value;

        LastSeen(Class<?> type, T value) {
            this.type = new WeakReference<>(type);
            this.value = value;
        }
    }

    private static final class RequestMethods extends Methods {
        /** Null for a class that is not an HTTP request. */
        static final ByClass<RequestMethods> FOR_CLASS = new ByClass<RequestMethods>() {
            @Override
            protected RequestMethods computeValue(Class<?> type) {
                Class<?> api = findInterface(type, "jakarta.servlet.http.HttpServletRequest", "javax.servlet.http.HttpServletRequest");
                return api == null ? null : new RequestMethods(api, type);
            }
        };

        final Method getAttribute = find("getAttribute", String.class);
        final Method setAttribute = find("setAttribute", String.class, Object.class);
        final Method removeAttribute = find("removeAttribute", String.class);
        final Method getHeaders = find("getHeaders", String.class);
        final Method getServletPath = find("getServletPath");
        final Method getPathInfo = find("getPathInfo");
        final Method getQueryString = find("getQueryString");
        final Method getRequestURI = find("getRequestURI");
        final Method getContextPath = find("getContextPath");
        /** Tomcat's header bytes for the request class, or null for any other container. */
        final TomcatHeaders tomcat;
        /** Where Tomcat keeps the agent's attributes for the request class, or null for any other container. */
        final TomcatAttributes tomcatAttributes;
        /** {@code ServletRequestWrapper.getRequest()} for a wrapper class, or null. */
        final Method getWrapped;
        /** Whether the class's API is the one {@link DirectServletApi} calls directly (else reflection). */
        private final boolean direct;

        private RequestMethods(Class<?> api, Class<?> requestClass) {
            super(api);
            tomcat = TomcatHeaders.forRequestClass(requestClass);
            tomcatAttributes = unusable == null ? TomcatAttributes.forRequestClass(requestClass) : null;
            getWrapped = wrappedRequest(requestClass);
            direct = unusable == null && DirectServletApi.binds(api);
        }

        Object getAttribute(Object request, String name) throws Throwable {
            if (direct) {
                try {
                    return (Object) DirectServletApi.Bound.GET_ATTRIBUTE.invokeExact(request, name);
                } catch (Throwable fault) {
                    throw new ContainerFault(fault);
                }
            }
            return call(getAttribute, request, name);
        }

        /**
         * Sets one of the agent's attributes: on Tomcat where {@link TomcatAttributes} keeps them, unless
         * Tomcat's own map holds the name already, whose entry the servlet API then replaces.
         */
        void setAttribute(Object request, String name, Object value) throws Throwable {
            if (tomcatAttributes != null) {
                boolean kept;
                try {
                    kept = tomcatAttributes.put(request, name, value);
                } catch (Throwable fault) {
                    throw new ContainerFault(fault);
                }
                if (kept) {
                    return;
                }
            }
            if (direct) {
                try {
                    DirectServletApi.Bound.SET_ATTRIBUTE.invokeExact(request, name, value);
                    return;
                } catch (Throwable fault) {
                    throw new ContainerFault(fault);
                }
            }
            call(setAttribute, request, name, value);
        }

        @SuppressWarnings("unchecked")
        Enumeration<String> getHeaders(Object request, String name) throws Throwable {
            if (direct) {
                try {
                    return (Enumeration<String>) DirectServletApi.Bound.GET_HEADERS.invokeExact(request, name);
                } catch (Throwable fault) {
                    throw new ContainerFault(fault);
                }
            }
            return (Enumeration<String>) call(getHeaders, request, name);
        }

        // The bound handles are read only when this class's API is the bound one: reading them
        // otherwise would tie every request to the holder's initialization, which is not retried.
        String servletPath(Object request) throws Throwable {
            return direct ? string(DirectServletApi.Bound.GET_SERVLET_PATH, request) : (String) call(getServletPath, request);
        }

        String pathInfo(Object request) throws Throwable {
            return direct ? string(DirectServletApi.Bound.GET_PATH_INFO, request) : (String) call(getPathInfo, request);
        }

        String queryString(Object request) throws Throwable {
            return direct ? string(DirectServletApi.Bound.GET_QUERY_STRING, request) : (String) call(getQueryString, request);
        }

        String requestUri(Object request) throws Throwable {
            return direct ? string(DirectServletApi.Bound.GET_REQUEST_URI, request) : (String) call(getRequestURI, request);
        }

        String contextPath(Object request) throws Throwable {
            return direct ? string(DirectServletApi.Bound.GET_CONTEXT_PATH, request) : (String) call(getContextPath, request);
        }

        /** A String getter of the request through its bound handle (small, so inlined where the handle is a constant). */
        private static String string(MethodHandle getter, Object request) throws Throwable {
            try {
                return (String) getter.invokeExact(request);
            } catch (Throwable fault) {
                throw new ContainerFault(fault);
            }
        }

        private static Method wrappedRequest(Class<?> requestClass) {
            return wrapperGetter(requestClass, "ServletRequestWrapper", "getRequest");
        }
    }

    private static final class ResponseMethods extends Methods {
        /** Null for a class that is not an HTTP response. */
        static final ByClass<ResponseMethods> FOR_CLASS = new ByClass<ResponseMethods>() {
            @Override
            protected ResponseMethods computeValue(Class<?> type) {
                Class<?> api = findInterface(type, "jakarta.servlet.http.HttpServletResponse", "javax.servlet.http.HttpServletResponse");
                return api == null ? null : new ResponseMethods(api);
            }
        };

        final Method setStatus = find("setStatus", int.class);
        final Method setHeader = find("setHeader", String.class, String.class);
        final Method setContentType = find("setContentType", String.class);
        final Method setContentLength = find("setContentLength", int.class);
        final Method getOutputStream = find("getOutputStream");
        final Method getWriter = find("getWriter");
        final Method flushBuffer = find("flushBuffer");
        final Method isCommitted = find("isCommitted");
        final Method resetBuffer = find("resetBuffer");

        private ResponseMethods(Class<?> api) {
            super(api);
        }

        void reject(Object response, InboundDecision decision) throws Throwable {
            byte[] body = decision.body();
            // A later dispatch decided anew may find the application's output in the buffer: the answer is the JSON alone.
            call(resetBuffer, response);
            call(setStatus, response, decision.rejectStatus());
            call(setHeader, response, "WWW-Authenticate", decision.wwwAuthenticate());
            call(setHeader, response, "Cache-Control", "no-store");
            call(setContentType, response, "application/json");
            call(setContentLength, response, body.length);
            OutputStream out;
            try {
                out = (OutputStream) call(getOutputStream, response);
            } catch (ContainerFault writerInUse) {
                if (!(writerInUse.getCause() instanceof IllegalStateException)) {
                    throw writerInUse;
                }
                // The application took the writer before this dispatch: the body (ASCII) goes through it.
                Writer writer = (Writer) call(getWriter, response);
                writer.write(new String(body, StandardCharsets.US_ASCII));
                writer.flush();
                call(flushBuffer, response);
                return;
            }
            out.write(body);
            call(flushBuffer, response);
        }
    }
}
