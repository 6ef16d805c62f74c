package dev.jwtagent.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Tells whether a Tomcat request carries exactly one header of a name, equal to a given value,
 * by comparing the header's bytes where Tomcat holds them. Asking Tomcat for the header instead
 * makes it decode the bytes into a new String on every request (a charset decoder and two
 * copies): the largest single cost the agent adds to a request on Tomcat. The hooks use this only
 * to recognise the header value a thread's previous request was verified with; any other
 * request reads its headers through the servlet API as before.
 *
 * <p>Works through Tomcat's public classes ({@code RequestFacade} holds the connector's request,
 * which holds the protocol request and its headers), found by reflection when the first request
 * of the facade class arrives. Any of it missing or refused gives no accessor, and the hooks use
 * the servlet API alone.
 */
final class TomcatHeaders {
    private static final String FACADE = "org.apache.catalina.connector.RequestFacade";

    /** (facade, header name) -> the only value of that header, or null when absent; throws when repeated. */
    private final MethodHandle uniqueValue;
    /** (header value, text) -> whether the value's bytes spell the text, one byte per char. */
    private final MethodHandle valueEquals;

    private TomcatHeaders(MethodHandle uniqueValue, MethodHandle valueEquals) {
        this.uniqueValue = uniqueValue;
        this.valueEquals = valueEquals;
    }

    /** The accessor for requests of {@code requestClass}, or null when it is not Tomcat's facade or cannot be read. */
    static TomcatHeaders forRequestClass(Class<?> requestClass) {
        if (!requestClass.getName().equals(FACADE)) {
            return null;
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            Field connectorRequest = requestClass.getDeclaredField("request");
            connectorRequest.setAccessible(true);
            Method coyoteRequest = connectorRequest.getType().getMethod("getCoyoteRequest");
            Method mimeHeaders = coyoteRequest.getReturnType().getMethod("getMimeHeaders");
            Method unique = mimeHeaders.getReturnType().getMethod("getUniqueValue", String.class);
            Method equalsText = unique.getReturnType().getMethod("equals", String.class);

            MethodHandle headersOf = MethodHandles.filterReturnValue(
                    MethodHandles.filterReturnValue(lookup.unreflectGetter(connectorRequest), lookup.unreflect(coyoteRequest)),
                    lookup.unreflect(mimeHeaders));
            MethodHandle uniqueValue = MethodHandles.filterArguments(lookup.unreflect(unique), 0, headersOf)
                    .asType(MethodType.methodType(Object.class, Object.class, String.class));
            MethodHandle valueEquals = lookup.unreflect(equalsText)
                    .asType(MethodType.methodType(boolean.class, Object.class, String.class));
            return new TomcatHeaders(uniqueValue, valueEquals);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // Another Tomcat layout, or a module that does not open the facade: the servlet API it is.
            return null;
        }
    }

    /**
     * True when {@code request} has exactly one header {@code name} (any case) and its bytes are
     * {@code expected}'s characters. False when it differs, is absent or repeated, or holds a byte
     * above 127 (Tomcat compares signed bytes with chars): the caller then reads the header through
     * the servlet API, which gives the same answer the slow way. So does any fault of Tomcat's.
     */
    boolean isOnlyValue(Object request, String name, String expected) throws Throwable {
        try {
            Object value = (Object) uniqueValue.invokeExact(request, name);
            return value != null && (boolean) valueEquals.invokeExact(value, expected);
        } catch (RuntimeException repeatedOrFault) {
            // Repeated: getUniqueValue throws IllegalArgumentException.
            return false;
        }
    }
}
