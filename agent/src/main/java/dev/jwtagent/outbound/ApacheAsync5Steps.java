package dev.jwtagent.outbound;

/**
 * What the async Apache HttpClient 5 in hand does where, read from its classes: from 5.2 its main
 * step holds the client's request interceptors and runs them on an I/O thread just before the
 * request is sent; in 5.1 they ran earlier, on the calling thread, before the connect step. Plain
 * Java on the bootstrap class path, so that the advice in any class loader can ask.
 */
public final class ApacheAsync5Steps {
    static final String HTTP_PROCESSOR = "org.apache.hc.core5.http.protocol.HttpProcessor";
    static final String MAIN_STEP = "org.apache.hc.client5.http.impl.async.HttpAsyncMainClientExec";

    private static final ClassValue<Boolean> INTERCEPTORS_RUN_AT_SEND = new ClassValue<Boolean>() {
        @Override
        protected Boolean computeValue(Class<?> clientClass) {
            return mainStepHoldsProcessor(clientClass.getClassLoader());
        }
    };

    private ApacheAsync5Steps() {
    }

    /**
     * Whether the client that {@code clientClass} belongs to runs its request interceptors in its
     * main step, at send (its main step holds a processor). When that cannot be told, true: the
     * request is then decided only if the interceptors do run at send, never before them.
     */
    public static boolean interceptorsRunAtSend(Class<?> clientClass) {
        return INTERCEPTORS_RUN_AT_SEND.get(clientClass);
    }

    static boolean mainStepHoldsProcessor(ClassLoader loader) {
        try {
            return declaresFieldOfType(Class.forName(MAIN_STEP, false, loader), HTTP_PROCESSOR);
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            return true;
        }
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
