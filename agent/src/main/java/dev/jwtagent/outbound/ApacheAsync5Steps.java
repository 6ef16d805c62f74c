package dev.jwtagent.outbound;

/**
 * What the async Apache HttpClient 5 in hand does where, read from its classes: in 5.6 its main
 * step holds the client's request interceptors and runs them on an I/O thread just before the
 * request is sent; in 5.1 they ran earlier, on the calling thread. Plain Java on the
 * bootstrap class path, so that the advice in any class loader can ask.
 */
public final class ApacheAsync5Steps {
    static final String HTTP_PROCESSOR = "org.apache.hc.core5.http.protocol.HttpProcessor";

    private static final ClassValue<Boolean> RUNS_INTERCEPTORS_AT_SEND = new ClassValue<Boolean>() {
        @Override
        protected Boolean computeValue(Class<?> mainStep) {
            return declaresFieldOfType(mainStep, HTTP_PROCESSOR);
        }
    };

    private ApacheAsync5Steps() {
    }

    /** Whether this main step runs the client's request interceptors itself (it holds a processor). */
    public static boolean runsInterceptorsAtSend(Class<?> mainStep) {
        return RUNS_INTERCEPTORS_AT_SEND.get(mainStep);
    }

    /** Whether {@code type} itself declares a field whose type has the binary name {@code typeName}. */
    static boolean declaresFieldOfType(Class<?> type, String typeName) {
        for (java.lang.reflect.Field field : type.getDeclaredFields()) {
            if (field.getType().getName().equals(typeName)) {
                return true;
            }
        }
        return false;
    }
}
