package dev.jwtagent.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

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
    /** The accessor {@link Direct} is to hold, set before it is initialized (outside it, so that setting it does not initialize it). */
    private static final AtomicReference<TomcatHeaders> TO_BIND = new AtomicReference<>();

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

    /** Whether this is the accessor {@link Direct} holds, whose handles the JIT compiles like direct calls. */
    private boolean direct;

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
        if (!requestClass.getName().equals(TomcatFacade.CLASS_NAME)) {
            return null;
        }
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TomcatFacade facade = TomcatFacade.of(requestClass, lookup);
            Method mimeHeaders = facade.coyoteType.getMethod("getMimeHeaders");
            Method unique = mimeHeaders.getReturnType().getMethod("getUniqueValue", String.class);
            Class<?> value = unique.getReturnType();
            Class<?> chunk = value.getMethod("getByteChunk").getReturnType();

            MethodHandle headersOf = MethodHandles.filterReturnValue(facade.coyoteOf, lookup.unreflect(mimeHeaders));
            MethodHandle uniqueValue = MethodHandles.filterArguments(lookup.unreflect(unique), 0, headersOf)
                    .asType(MethodType.methodType(Object.class, Object.class, String.class));
            TomcatHeaders headers = new TomcatHeaders(value, chunk, uniqueValue, lookup);
            TO_BIND.compareAndSet(null, headers);
            headers.direct = Direct.holds(headers);
            return headers;
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
        if (direct) {
            return Direct.isOnlyValue(request, name, latin1, text);
        }
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
                return sameBytes(buffer, start, end, latin1);
            }
            return type == holdsString && text.equals((String) valueString.invokeExact(value));
        } catch (IllegalArgumentException repeated) {
            // getUniqueValue's answer to a header sent more than once.
            return false;
        } catch (RuntimeException fault) {
            compareFailed(fault);
            return false;
        }
    }

    private static boolean sameBytes(byte[] buffer, int start, int end, byte[] latin1) {
        return buffer != null && start >= 0 && end - start == latin1.length && end <= buffer.length
                && Arrays.equals(buffer, start, end, latin1, 0, latin1.length);
    }

    private static void compareFailed(RuntimeException fault) {
        // Its message may quote the header: only the type is named.
        AgentBridge.shortcutOff("tomcat-compare", "Tomcat's header could not be compared in place ("
                + fault.getClass().getName() + "); such a request's header is read through the servlet API");
    }

    /**
     * The handles of the first facade class read (a JVM runs one Tomcat), in static final fields,
     * which the JIT compiles like direct calls: through instance fields each call goes through a
     * generic dispatch the JIT cannot inline, much of what comparing the header cost. Held for the
     * life of the JVM, as the server holds its classes.
     */
    private static final class Direct {
        private static final TomcatHeaders BOUND;
        private static final MethodHandle UNIQUE_VALUE;
        private static final MethodHandle VALUE_TYPE;
        private static final int HOLDS_STRING;
        private static final int HOLDS_BYTES;
        private static final MethodHandle VALUE_STRING;
        private static final MethodHandle VALUE_BYTES;
        private static final MethodHandle CHUNK_BUFFER;
        private static final MethodHandle CHUNK_START;
        private static final MethodHandle CHUNK_END;

        static {
            TomcatHeaders first = TO_BIND.get();
            BOUND = first;
            UNIQUE_VALUE = first.uniqueValue;
            VALUE_TYPE = first.valueType;
            HOLDS_STRING = first.holdsString;
            HOLDS_BYTES = first.holdsBytes;
            VALUE_STRING = first.valueString;
            VALUE_BYTES = first.valueBytes;
            CHUNK_BUFFER = first.chunkBuffer;
            CHUNK_START = first.chunkStart;
            CHUNK_END = first.chunkEnd;
        }

        private Direct() {
        }

        /** Whether {@code headers} is the accessor held here (the first one set in {@code TO_BIND}). */
        static boolean holds(TomcatHeaders headers) {
            try {
                return BOUND == headers;
            } catch (LinkageError e) {
                return false;
            }
        }

        /**
         * {@link TomcatHeaders#isOnlyValue}, through the handles held here. The same steps written
         * again on purpose: the JIT makes a handle a direct call only where it reads it from a static
         * final field, so a body shared with the instance path, given the handles as arguments,
         * would depend on being inlined.
         */
        static boolean isOnlyValue(Object request, String name, byte[] latin1, String text) throws Throwable {
            try {
                Object value = (Object) UNIQUE_VALUE.invokeExact(request, name);
                if (value == null) {
                    return false;
                }
                int type = (int) VALUE_TYPE.invokeExact(value);
                if (type == HOLDS_BYTES) {
                    Object chunk = (Object) VALUE_BYTES.invokeExact(value);
                    return sameBytes((byte[]) CHUNK_BUFFER.invokeExact(chunk), (int) CHUNK_START.invokeExact(chunk),
                            (int) CHUNK_END.invokeExact(chunk), latin1);
                }
                return type == HOLDS_STRING && text.equals((String) VALUE_STRING.invokeExact(value));
            } catch (IllegalArgumentException repeated) {
                return false;
            } catch (RuntimeException fault) {
                compareFailed(fault);
                return false;
            }
        }
    }

    private static String loaderName(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        return loader == null ? "the bootstrap loader" : loader.getClass().getName();
    }
}
