package dev.jwtagent.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Tells whether a Tomcat request carries exactly one header of a name, equal to a given value,
 * by comparing the header's bytes where Tomcat holds them (one array comparison). Asking Tomcat
 * for the header instead makes it decode the bytes into a new String on every request (a charset
 * decoder and two copies): the largest single cost the agent added to a request on Tomcat. The
 * hooks use this only to recognise the header a thread's previous request was verified with;
 * any other request reads its headers through the servlet API as before.
 *
 * <p>Reaches the headers through Tomcat's classes, found by reflection when the first request of
 * the facade class arrives: the facade's protected field {@code request} (the connector's
 * request), then public methods down to {@code MimeHeaders} and the value's bytes. Any of it
 * missing or refused (another layout, Tomcat on the module path without its package opened) gives
 * no accessor, and the hooks use the servlet API alone; one info line says so.
 */
final class TomcatHeaders {
    private static final String FACADE = "org.apache.catalina.connector.RequestFacade";

    /** (facade, header name) -> the only value of that header ({@code MessageBytes}), or null when absent; throws when repeated. */
    private final MethodHandle uniqueValue;
    /** (value) -> what it holds: {@link #holdsString}, {@link #holdsBytes} or another kind. */
    private final MethodHandle valueType;
    /** {@code MessageBytes.T_STR} and {@code T_BYTES}. */
    private final int holdsString;
    private final int holdsBytes;
    /** (value) -> its String, when it holds one. */
    private final MethodHandle valueString;
    /** (value) -> its {@code ByteChunk}, when it holds bytes. */
    private final MethodHandle valueBytes;
    /** (chunk) -> its array, start and end. */
    private final MethodHandle chunkBuffer;
    private final MethodHandle chunkStart;
    private final MethodHandle chunkEnd;

    private TomcatHeaders(Class<?> value, Class<?> chunk, MethodHandle uniqueValue, MethodHandles.Lookup lookup)
            throws ReflectiveOperationException {
        MethodType toInt = MethodType.methodType(int.class, Object.class);
        this.uniqueValue = uniqueValue;
        this.valueType = lookup.unreflect(value.getMethod("getType")).asType(toInt);
        this.holdsString = value.getField("T_STR").getInt(null);
        this.holdsBytes = value.getField("T_BYTES").getInt(null);
        this.valueString = lookup.unreflect(value.getMethod("getString")).asType(MethodType.methodType(String.class, Object.class));
        this.valueBytes = lookup.unreflect(value.getMethod("getByteChunk")).asType(MethodType.methodType(Object.class, Object.class));
        this.chunkBuffer = lookup.unreflect(chunk.getMethod("getBuffer")).asType(MethodType.methodType(byte[].class, Object.class));
        this.chunkStart = lookup.unreflect(chunk.getMethod("getStart")).asType(toInt);
        this.chunkEnd = lookup.unreflect(chunk.getMethod("getEnd")).asType(toInt);
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
            Class<?> value = unique.getReturnType();
            Class<?> chunk = value.getMethod("getByteChunk").getReturnType();

            MethodHandle headersOf = MethodHandles.filterReturnValue(
                    MethodHandles.filterReturnValue(lookup.unreflectGetter(connectorRequest), lookup.unreflect(coyoteRequest)),
                    lookup.unreflect(mimeHeaders));
            MethodHandle uniqueValue = MethodHandles.filterArguments(lookup.unreflect(unique), 0, headersOf)
                    .asType(MethodType.methodType(Object.class, Object.class, String.class));
            return new TomcatHeaders(value, chunk, uniqueValue, lookup);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // Another Tomcat layout, or a module that does not open the facade: the servlet API it is.
            AgentBridge.shortcutOff("tomcat-layout", "Tomcat's request (" + requestClass.getName() + " of "
                    + loaderName(requestClass) + ") cannot be read directly (" + e.getClass().getName()
                    + "); the token header is read through the servlet API, which costs more per request");
            return null;
        }
    }

    /**
     * True when {@code request} has exactly one header {@code name} (any case) and its value is
     * {@code text}, whose ISO-8859-1 bytes are {@code latin1}: compared as Strings when Tomcat
     * holds the value as one (HTTP/2), as bytes otherwise. False when it differs, is absent or
     * repeated, and on a runtime exception from Tomcat's classes: the caller then reads the header
     * through the servlet API, which gives the same answer the slow way. An {@code Error}
     * propagates, and the hooks answer 401.
     */
    boolean isOnlyValue(Object request, String name, byte[] latin1, String text) throws Throwable {
        try {
            Object value = (Object) uniqueValue.invokeExact(request, name);
            if (value == null) {
                return false;
            }
            int type = (int) valueType.invokeExact(value);
            if (type == holdsBytes) {
                Object chunk = (Object) valueBytes.invokeExact(value);
                byte[] buffer = (byte[]) chunkBuffer.invokeExact(chunk);
                int start = (int) chunkStart.invokeExact(chunk);
                int end = (int) chunkEnd.invokeExact(chunk);
                return buffer != null && start >= 0 && end - start == latin1.length && end <= buffer.length
                        && Arrays.equals(buffer, start, end, latin1, 0, latin1.length);
            }
            return type == holdsString && text.equals((String) valueString.invokeExact(value));
        } catch (IllegalArgumentException repeated) {
            // getUniqueValue's answer to a header sent more than once.
            return false;
        } catch (RuntimeException fault) {
            // Its message may quote the header: only the type is named.
            AgentBridge.shortcutOff("tomcat-compare", "Tomcat's header could not be compared in place ("
                    + fault.getClass().getName() + "); such a request's header is read through the servlet API");
            return false;
        }
    }

    private static String loaderName(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        return loader == null ? "the bootstrap loader" : loader.getClass().getName();
    }
}
