package example.jwtagent.it;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM main for {@link JettyClient12QueuedListenerTest} (Jetty 12 lives only on child class
 * paths), driven reflectively: {@code <token> <slowUrl>}. From a client with one connection per
 * destination, with the token current as a request's own code and carried as expiring in one
 * second, it sends {@code slowUrl + "-first"} and then, without waiting, {@code slowUrl}, whose
 * {@code onRequestQueued} listener adds the application's own {@code Authorization: Basic dTpw}. The
 * second waits in the queue past the token's expiry. With a third argument {@code ensure}, the
 * listener merges its value into the header ({@code HttpFields.Mutable.ensureField}) instead of
 * adding a field of its own. Prints {@code READY 0} when done.
 */
public final class JettyClient12QueuedListenerChild {
    public static void main(String[] args) throws Exception {
        Class<?> clientType = Class.forName("org.eclipse.jetty.client.HttpClient");
        Class<?> requestType = Class.forName("org.eclipse.jetty.client.Request");
        Class<?> queuedListenerType = Class.forName("org.eclipse.jetty.client.Request$QueuedListener");
        Class<?> completable = Class.forName("org.eclipse.jetty.client.CompletableResponseListener");
        Method newRequest = clientType.getMethod("newRequest", String.class);
        Method send = requestType.getMethod("send");
        Method addHeader = requestType.getMethod("headers", java.util.function.Consumer.class);
        Class<?> mutable = Class.forName("org.eclipse.jetty.http.HttpFields$Mutable");
        Class<?> fieldType = Class.forName("org.eclipse.jetty.http.HttpField");
        boolean merge = args.length > 2 && args[2].equals("ensure");
        Method put = merge ? mutable.getMethod("ensureField", fieldType) : mutable.getMethod("add", String.class, String.class);
        Object basic = fieldType.getConstructor(String.class, String.class).newInstance("Authorization", "Basic dTpw");
        Object client = clientType.getConstructor().newInstance();
        clientType.getMethod("setMaxConnectionsPerDestination", int.class).invoke(client, 1);
        clientType.getMethod("start").invoke(client);
        Object queuedListener = Proxy.newProxyInstance(queuedListenerType.getClassLoader(), new Class<?>[] {queuedListenerType},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("onQueued")) {
                        addHeader.invoke(arguments[0], (java.util.function.Consumer<Object>) fields -> {
                            try {
                                if (merge) {
                                    put.invoke(fields, basic);
                                } else {
                                    put.invoke(fields, "Authorization", "Basic dTpw");
                                }
                            } catch (ReflectiveOperationException e) {
                                throw new IllegalStateException(e);
                            }
                        });
                        return null;
                    }
                    if (method.getName().equals("equals")) {
                        return proxy == arguments[0];
                    }
                    return method.getName().equals("hashCode") ? System.identityHashCode(proxy) : method.getName().equals("toString") ? "queued listener" : null;
                });
        CurrentToken.withExpiry(args[0], Instant.now().plusSeconds(1).toEpochMilli(), () -> {
            Object firstListener = completable.getConstructor(requestType).newInstance(newRequest.invoke(client, args[1] + "-first"));
            CompletableFuture<?> first = (CompletableFuture<?>) completable.getMethod("send").invoke(firstListener);
            Object queued = newRequest.invoke(client, args[1]);
            requestType.getMethod("onRequestQueued", queuedListenerType).invoke(queued, queuedListener);
            send.invoke(queued);
            return first.get(10, TimeUnit.SECONDS);
        });
        clientType.getMethod("stop").invoke(client);
        System.out.println(ChildJvm.READY + "0");
        System.exit(0);
    }
}
