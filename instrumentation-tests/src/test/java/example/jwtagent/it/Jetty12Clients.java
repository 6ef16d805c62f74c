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
        return request(CLIENT, url, authorization);
    }

    private static Object request(Object client, String url, String authorization) throws ReflectiveOperationException {
        Object request = NEW_REQUEST.invoke(client, url);
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

    /** {@link #send} on {@code client}, started and shared by its callers. */
    static int sendWith(Object client, String url, String authorization) throws Exception {
        try {
            return (Integer) STATUS.invoke(SEND.invoke(request(client, url, authorization)));
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    /**
     * {@code send(CompleteListener)} on {@code client}, shared by its callers; the listener runs
     * {@code onComplete} first, then answers the status to the waiting caller.
     */
    static int sendWithCompleteListener(Object client, String url, String authorization, Runnable onComplete) throws Exception {
        Object request = request(client, url, authorization);
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Class<?> listenerType = Class.forName("org.eclipse.jetty.client.Response$CompleteListener");
        Method getResponse = Class.forName("org.eclipse.jetty.client.Result").getMethod("getResponse");
        Method getFailure = Class.forName("org.eclipse.jetty.client.Result").getMethod("getFailure");
        Object listener = java.lang.reflect.Proxy.newProxyInstance(listenerType.getClassLoader(), new Class<?>[] {listenerType},
                (proxy, method, args) -> {
                    if (method.getName().equals("onComplete")) {
                        try {
                            Throwable failure = (Throwable) getFailure.invoke(args[0]);
                            onComplete.run();
                            if (failure != null) {
                                status.completeExceptionally(failure);
                            } else {
                                status.complete((Integer) STATUS.invoke(getResponse.invoke(args[0])));
                            }
                        } catch (Throwable e) {
                            status.completeExceptionally(e);
                        }
                        return null;
                    }
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("equals") ? proxy == args[0]
                                : method.getName().equals("hashCode") ? System.identityHashCode(proxy) : "listener";
                    }
                    return method.isDefault() ? java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args) : null;
                });
        REQUEST.getMethod("send", listenerType).invoke(request, listener);
        return status.get(30, TimeUnit.SECONDS);
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

    /**
     * {@link #send} from a client of its own whose authentication store holds Basic credentials
     * ({@link ChallengeAnsweringClients#USER}) for the URL's origin and any realm, which Jetty uses
     * only to answer a {@code 401} challenge; the client is stopped after the call.
     */
    static int sendAnsweringChallenge(String url, String authorization) throws Exception {
        java.net.URI uri = java.net.URI.create(url);
        Object client = newClient();
        Object authentication = Class.forName("org.eclipse.jetty.client.BasicAuthentication")
                .getConstructor(java.net.URI.class, String.class, String.class, String.class)
                .newInstance(java.net.URI.create(uri.getScheme() + "://" + uri.getAuthority()), 
                        Class.forName("org.eclipse.jetty.client.Authentication").getField("ANY_REALM").get(null),
                        ChallengeAnsweringClients.USER, ChallengeAnsweringClients.PASSWORD);
        Object store = client.getClass().getMethod("getAuthenticationStore").invoke(client);
        Class.forName("org.eclipse.jetty.client.AuthenticationStore")
                .getMethod("addAuthentication", Class.forName("org.eclipse.jetty.client.Authentication")).invoke(store, authentication);
        return sendAndStop(client, url, authorization);
    }

    /**
     * From a client of its own with one connection per destination: sends {@code url + "-first"}
     * without waiting, then {@code url}, which waits in the destination's queue until the first
     * has its answer; the client is stopped after both.
     */
    static int sendQueuedBehindAnother(String url, String authorization) throws Exception {
        Object client = newClient();
        client.getClass().getMethod("setMaxConnectionsPerDestination", int.class).invoke(client, 1);
        client.getClass().getMethod("start").invoke(client);
        try {
            Object listener = COMPLETABLE_LISTENER.getConstructor(REQUEST).newInstance(request(client, url + "-first", authorization));
            CompletableFuture<?> first = (CompletableFuture<?>) COMPLETABLE_LISTENER.getMethod("send").invoke(listener);
            int status = (Integer) STATUS.invoke(SEND.invoke(request(client, url, authorization)));
            STATUS.invoke(first.get(10, TimeUnit.SECONDS));
            return status;
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        } finally {
            client.getClass().getMethod("stop").invoke(client);
        }
    }

    /**
     * From a client of its own with one connection per destination: sends {@code url + "-first"}
     * and then {@code url} without waiting, the second waiting in the destination's queue; while it
     * waits, Basic credentials ({@link ApacheClients#SERVICE_CREDENTIALS}) are put in the client's
     * authentication store for the URL's origin, as Jetty puts them there when another request's
     * challenge was answered. The client is stopped after both.
     */
    static int sendQueuedWhileCredentialsAreStored(String url, String authorization) throws Exception {
        Object client = newClient();
        client.getClass().getMethod("setMaxConnectionsPerDestination", int.class).invoke(client, 1);
        client.getClass().getMethod("start").invoke(client);
        try {
            Object firstListener = COMPLETABLE_LISTENER.getConstructor(REQUEST).newInstance(request(client, url + "-first", authorization));
            CompletableFuture<?> first = (CompletableFuture<?>) COMPLETABLE_LISTENER.getMethod("send").invoke(firstListener);
            Object queuedListener = COMPLETABLE_LISTENER.getConstructor(REQUEST).newInstance(request(client, url, authorization));
            CompletableFuture<?> queued = (CompletableFuture<?>) COMPLETABLE_LISTENER.getMethod("send").invoke(queuedListener);
            java.net.URI uri = java.net.URI.create(url);
            Object result = Class.forName("org.eclipse.jetty.client.BasicAuthentication$BasicResult")
                    .getConstructor(java.net.URI.class, String.class, String.class)
                    .newInstance(java.net.URI.create(uri.getScheme() + "://" + uri.getAuthority()), "service", "secret");
            Object store = client.getClass().getMethod("getAuthenticationStore").invoke(client);
            Class.forName("org.eclipse.jetty.client.AuthenticationStore")
                    .getMethod("addAuthenticationResult", Class.forName("org.eclipse.jetty.client.Authentication$Result")).invoke(store, result);
            STATUS.invoke(first.get(10, TimeUnit.SECONDS));
            return (Integer) STATUS.invoke(queued.get(10, TimeUnit.SECONDS));
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        } finally {
            client.getClass().getMethod("stop").invoke(client);
        }
    }

    private static Object newClient() throws ReflectiveOperationException {
        return Class.forName("org.eclipse.jetty.client.HttpClient").getConstructor().newInstance();
    }

    /** Starts {@code client}, sends one request with it, and stops it. */
    private static int sendAndStop(Object client, String url, String authorization) throws Exception {
        client.getClass().getMethod("start").invoke(client);
        try {
            return (Integer) STATUS.invoke(SEND.invoke(request(client, url, authorization)));
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        } finally {
            client.getClass().getMethod("stop").invoke(client);
        }
    }

    /**
     * {@link #send} from a client of its own whose proxy configuration holds the forward proxy
     * of {@link DownstreamClients#forwardProxy()}; the client is stopped after the call.
     */
    static int sendThroughProxy(String url, String authorization) throws Exception {
        java.net.InetSocketAddress proxy = DownstreamClients.forwardProxy();
        Object client = newClient();
        Object configuration = client.getClass().getMethod("getProxyConfiguration").invoke(client);
        Object httpProxy = Class.forName("org.eclipse.jetty.client.HttpProxy")
                .getConstructor(String.class, int.class).newInstance(proxy.getHostString(), proxy.getPort());
        configuration.getClass().getMethod("addProxy", Class.forName("org.eclipse.jetty.client.ProxyConfiguration$Proxy"))
                .invoke(configuration, httpProxy);
        return sendAndStop(client, url, authorization);
    }
}
