package example.jwtagent.it;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Jetty 12's {@code HttpClient}, blocking {@code send()} and asynchronous
 * {@code send(listener)} (through {@code CompletableResponseListener}), redirects followed (its
 * default). Called reflectively: Jetty 12 cannot be on this module's class path beside the Jetty
 * 9.4 server, so it exists only in the child JVMs that {@link ChildJvm} starts with it.
 */
final class Jetty12Clients {
    private static final Object CLIENT;
    private static final Method NEW_REQUEST;
    private static final Method HEADERS;
    private static final Method ADD_HEADER;
    private static final Method SEND;
    private static final Method STATUS;
    private static final Class<?> REQUEST;
    private static final Class<?> COMPLETABLE_LISTENER;

    static {
        try {
            Class<?> client = Class.forName("org.eclipse.jetty.client.HttpClient");
            REQUEST = Class.forName("org.eclipse.jetty.client.Request");
            COMPLETABLE_LISTENER = Class.forName("org.eclipse.jetty.client.CompletableResponseListener");
            CLIENT = client.getConstructor().newInstance();
            client.getMethod("start").invoke(CLIENT);
            NEW_REQUEST = client.getMethod("newRequest", String.class);
            HEADERS = REQUEST.getMethod("headers", Consumer.class);
            ADD_HEADER = Class.forName("org.eclipse.jetty.http.HttpFields$Mutable").getMethod("add", String.class, String.class);
            SEND = REQUEST.getMethod("send");
            STATUS = Class.forName("org.eclipse.jetty.client.Response").getMethod("getStatus");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Jetty12Clients() {
    }

    private static Object request(String url, String authorization) throws ReflectiveOperationException {
        Object request = NEW_REQUEST.invoke(CLIENT, url);
        if (authorization != null) {
            HEADERS.invoke(request, (Consumer<Object>) fields -> {
                try {
                    ADD_HEADER.invoke(fields, "Authorization", authorization);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return request;
    }

    static int send(String url, String authorization) throws Exception {
        try {
            return (Integer) STATUS.invoke(SEND.invoke(request(url, authorization)));
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    /**
     * {@link #send} after Basic credentials ({@link ApacheClients#SERVICE_CREDENTIALS}) for the
     * URL's origin were put in the client's authentication store, as Jetty keeps them after a
     * first challenge was answered, or as an application sets them to be sent preemptively.
     */
    static int sendWithStoredCredentials(String url, String authorization) throws Exception {
        java.net.URI uri = java.net.URI.create(url);
        return sendWithCredentialsStoredFor(java.net.URI.create(uri.getScheme() + "://" + uri.getAuthority()), url, authorization);
    }

    /** {@link #sendWithStoredCredentials} with the credentials stored for another path of the same origin only. */
    static int sendWithCredentialsStoredForAnotherPath(String url, String authorization) throws Exception {
        java.net.URI uri = java.net.URI.create(url);
        return sendWithCredentialsStoredFor(java.net.URI.create(uri.getScheme() + "://" + uri.getAuthority() + "/admin"), url, authorization);
    }

    private static int sendWithCredentialsStoredFor(java.net.URI origin, String url, String authorization) throws Exception {
        Object result = Class.forName("org.eclipse.jetty.client.BasicAuthentication$BasicResult")
                .getConstructor(java.net.URI.class, String.class, String.class).newInstance(origin, "service", "secret");
        Object store = CLIENT.getClass().getMethod("getAuthenticationStore").invoke(CLIENT);
        Class<?> storeType = Class.forName("org.eclipse.jetty.client.AuthenticationStore");
        Class<?> resultType = Class.forName("org.eclipse.jetty.client.Authentication$Result");
        storeType.getMethod("addAuthenticationResult", resultType).invoke(store, result);
        try {
            return send(url, authorization);
        } finally {
            storeType.getMethod("removeAuthenticationResult", resultType).invoke(store, result);
        }
    }

    static int sendAsync(String url, String authorization) throws Exception {
        Object listener = COMPLETABLE_LISTENER.getConstructor(REQUEST).newInstance(request(url, authorization));
        CompletableFuture<?> response = (CompletableFuture<?>) COMPLETABLE_LISTENER.getMethod("send").invoke(listener);
        return (Integer) STATUS.invoke(response.get(10, TimeUnit.SECONDS));
    }
}
