package dev.jwtagent.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Enumeration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The request methods the servlet hooks call on every request, for one servlet API: the
 * {@code HttpServletRequest} interface of the first HTTP request the hooks see (a JVM runs one
 * container, so in practice every request's). They are method handles in static final fields,
 * which the JIT compiles like the calls the application makes itself; through reflection, as for
 * any other API, each call goes through a generic dispatch the JIT cannot inline (in JMH, a fifth
 * of the hooks' time on a repeated token). The interface is bound once, by {@link #binds}, and
 * then held for the life of the JVM, as the container holds it.
 */
final class DirectServletApi {
    private static final AtomicReference<Class<?>> TO_BIND = new AtomicReference<>();

    private DirectServletApi() {
    }

    /**
     * Whether {@code requestApi} (an {@code HttpServletRequest} interface whose methods were all
     * found) is the API bound here, binding it when none is yet. False when another was bound
     * first, or when the handles could not be made.
     */
    static boolean binds(Class<?> requestApi) {
        TO_BIND.compareAndSet(null, requestApi);
        try {
            return Bound.API == requestApi;
        } catch (LinkageError e) {
            // The holder could not be initialized: reflection it is.
            return false;
        }
    }

    /** Initialized on the first {@link #binds}, with the interface set before it. */
    static final class Bound {
        static final Class<?> API;
        static final MethodHandle GET_ATTRIBUTE;
        static final MethodHandle SET_ATTRIBUTE;
        static final MethodHandle GET_HEADERS;
        static final MethodHandle GET_QUERY_STRING;
        static final MethodHandle GET_SERVLET_PATH;
        static final MethodHandle GET_PATH_INFO;
        static final MethodHandle GET_REQUEST_URI;
        static final MethodHandle GET_CONTEXT_PATH;

        static {
            Class<?> api = TO_BIND.get();
            MethodHandle[] handles = new MethodHandle[8];
            try {
                MethodType ofRequest = MethodType.methodType(String.class, Object.class);
                handles[0] = handle(api, "getAttribute", MethodType.methodType(Object.class, Object.class, String.class));
                handles[1] = handle(api, "setAttribute", MethodType.methodType(void.class, Object.class, String.class, Object.class));
                handles[2] = handle(api, "getHeaders", MethodType.methodType(Enumeration.class, Object.class, String.class));
                handles[3] = handle(api, "getQueryString", ofRequest);
                handles[4] = handle(api, "getServletPath", ofRequest);
                handles[5] = handle(api, "getPathInfo", ofRequest);
                handles[6] = handle(api, "getRequestURI", ofRequest);
                handles[7] = handle(api, "getContextPath", ofRequest);
            } catch (Throwable e) {
                // Any failure, a stack overflow on the first request's thread included, leaves every
                // API on reflection: this initialization is not retried, and must not fail instead.
                api = null;
            }
            API = api;
            GET_ATTRIBUTE = handles[0];
            SET_ATTRIBUTE = handles[1];
            GET_HEADERS = handles[2];
            GET_QUERY_STRING = handles[3];
            GET_SERVLET_PATH = handles[4];
            GET_PATH_INFO = handles[5];
            GET_REQUEST_URI = handles[6];
            GET_CONTEXT_PATH = handles[7];
        }

        private Bound() {
        }

        /** The interface's public method, called with the request as an Object (cast to the interface on the way). */
        private static MethodHandle handle(Class<?> api, String name, MethodType erased) throws ReflectiveOperationException {
            Class<?>[] parameters = erased.dropParameterTypes(0, 1).parameterArray();
            return MethodHandles.publicLookup().unreflect(api.getMethod(name, parameters)).asType(erased);
        }
    }
}
