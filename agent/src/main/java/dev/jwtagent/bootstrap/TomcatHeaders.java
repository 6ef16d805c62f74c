package dev.jwtagent.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Tells whether a Tomcat request carries exactly one header of a name, equal to a given value,
 * by comparing the header's bytes where Tomcat holds them (a vectorised array comparison). Asking Tomcat for the header instead
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

    private TomcatHeaders(MethodHandle[] handles, int holdsString, int holdsBytes) {
        this.holdsString = holdsString;
        this.holdsBytes = holdsBytes;
        this.uniqueValue = handles[0];
        this.valueType = handles[1];
        this.valueString = handles[2];
        this.valueBytes = handles[3];
        this.chunkBuffer = handles[4];
        this.chunkStart = handles[5];
        this.chunkEnd = handles[6];
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
            Method byteChunk = value.getMethod("getByteChunk");
            Class<?> chunk = byteChunk.getReturnType();

            MethodHandle headersOf = MethodHandles.filterReturnValue(
                    MethodHandles.filterReturnValue(lookup.unreflectGetter(connectorRequest), lookup.unreflect(coyoteRequest)),
                    lookup.unreflect(mimeHeaders));
            MethodType toObject = MethodType.methodType(Object.class, Object.class);
            MethodType toInt = MethodType.methodType(int.class, Object.class);
            return new TomcatHeaders(new MethodHandle[] {
                MethodHandles.filterArguments(lookup.unreflect(unique), 0, headersOf)
                        .asType(MethodType.methodType(Object.class, Object.class, String.class)),
                lookup.unreflect(value.getMethod("getType")).asType(toInt),
                lookup.unreflect(value.getMethod("getString")).asType(MethodType.methodType(String.class, Object.class)),
                lookup.unreflect(byteChunk).asType(toObject),
                lookup.unreflect(chunk.getMethod("getBuffer")).asType(MethodType.methodType(byte[].class, Object.class)),
                lookup.unreflect(chunk.getMethod("getStart")).asType(toInt),
                lookup.unreflect(chunk.getMethod("getEnd")).asType(toInt),
            }, value.getField("T_STR").getInt(null), value.getField("T_BYTES").getInt(null));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // Another Tomcat layout, or a module that does not open the facade: the servlet API it is.
            return null;
        }
    }

    /**
     * True when {@code request} has exactly one header {@code name} (any case) and its value is
     * {@code text}, whose ISO-8859-1 bytes are {@code latin1} (Tomcat's own reading of header bytes). False
     * when it differs, is absent or repeated: the caller then reads the header through the servlet
     * API, which gives the same answer the slow way. So does any fault of Tomcat's.
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
        } catch (RuntimeException repeatedOrFault) {
            // Repeated: getUniqueValue throws IllegalArgumentException.
            return false;
        }
    }
}
