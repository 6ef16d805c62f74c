package example.jwtagent.it;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Child JVM main for {@link JettyClient12LifecycleTest} (Jetty 12 lives only on child class paths), driven
 * reflectively. Modes:
 * <ul>
 *   <li>{@code lazy-start <alice> <bob> <redirectorUrl> <listenerCallUrl>}: a Jetty client with a
 *       ThreadPoolExecutor is started while alice's token is current (a lazily made client); then bob
 *       sends a request that is redirected, and a caller without a token sends one whose complete
 *       listener calls {@code listenerCallUrl} with HttpURLConnection.</li>
 *   <li>{@code begin-listener <alice> <url>}: alice sends a request whose request listener adds the
 *       application's own {@code Authorization} (per request, then on a second client, globally);
 *       then one whose listener replaces the header and adds a second value of its own.</li>
 * </ul>
 * Prints {@code READY 0} when done.
 */
public final class JettyClient12LifecycleChild {
    public static void main(String[] args) throws Exception {
        Class<?> clientType = Class.forName("org.eclipse.jetty.client.HttpClient");
        Class<?> requestType = Class.forName("org.eclipse.jetty.client.Request");
        Method newRequest = clientType.getMethod("newRequest", String.class);
        Method send = requestType.getMethod("send");
        if (args[0].equals("lazy-start")) {
            Object client = clientType.getConstructor().newInstance();
            clientType.getMethod("setExecutor", Executor.class).invoke(client, Executors.newCachedThreadPool());
            // Made and started on first use, during alice's request.
            CurrentToken.with(args[1], () -> clientType.getMethod("start").invoke(client));
            CurrentToken.with(args[2], () -> send.invoke(newRequest.invoke(client, args[3])));
            Class<?> completeListener = Class.forName("org.eclipse.jetty.client.Response$CompleteListener");
            CompletableFuture<Integer> called = new CompletableFuture<>();
            Object listener = Proxy.newProxyInstance(completeListener.getClassLoader(), new Class<?>[] {completeListener}, (proxy, method, margs) -> {
                if (method.getName().equals("onComplete")) {
                    try {
                        called.complete(DownstreamClients.urlConnection(args[4], null));
                    } catch (Exception e) {
                        called.completeExceptionally(e);
                    }
                }
                return null;
            });
            requestType.getMethod("send", completeListener).invoke(newRequest.invoke(client, args[4].replace("/from-listener", "/tokenless")), listener);
            called.get(10, TimeUnit.SECONDS);
        } else {
            Class<?> fieldsMutable = Class.forName("org.eclipse.jetty.http.HttpFields$Mutable");
            Method add = fieldsMutable.getMethod("add", String.class, String.class);
            Method headers = requestType.getMethod("headers", Consumer.class);
            Consumer<Object> addOwn = fields -> {
                try {
                    add.invoke(fields, "Authorization", "Basic YXBwOnNlY3JldA==");
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            };
            Class<?> beginListener = Class.forName("org.eclipse.jetty.client.Request$BeginListener");
            Object begin = Proxy.newProxyInstance(beginListener.getClassLoader(), new Class<?>[] {beginListener}, (proxy, method, margs) -> {
                if (method.getName().equals("onBegin")) {
                    headers.invoke(margs[0], addOwn);
                }
                return null;
            });
            Object client = clientType.getConstructor().newInstance();
            clientType.getMethod("start").invoke(client);
            Object request = newRequest.invoke(client, args[2] + "/per-request");
            requestType.getMethod("onRequestBegin", beginListener).invoke(request, begin);
            CurrentToken.with(args[1], () -> send.invoke(request));
            Object global = clientType.getConstructor().newInstance();
            Object listeners = clientType.getMethod("getRequestListeners").invoke(global);
            listeners.getClass().getMethod("addBeginListener", beginListener).invoke(listeners, begin);
            clientType.getMethod("start").invoke(global);
            CurrentToken.with(args[1], () -> send.invoke(newRequest.invoke(global, args[2] + "/global")));
            // A listener that replaces the header (put), then adds a second value of its own: both are the application's.
            Method put = fieldsMutable.getMethod("put", String.class, String.class);
            Consumer<Object> replaceThenAdd = fields -> {
                try {
                    put.invoke(fields, "Authorization", "Bearer app-service-token");
                    add.invoke(fields, "Authorization", "Basic YXBwOnNlY3JldA==");
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            };
            Object replacing = Proxy.newProxyInstance(beginListener.getClassLoader(), new Class<?>[] {beginListener}, (proxy, method, margs) -> {
                if (method.getName().equals("onBegin")) {
                    headers.invoke(margs[0], replaceThenAdd);
                }
                return null;
            });
            Object third = newRequest.invoke(client, args[2] + "/replaced");
            requestType.getMethod("onRequestBegin", beginListener).invoke(third, replacing);
            CurrentToken.with(args[1], () -> send.invoke(third));
        }
        System.out.println(ChildJvm.READY + "0");
        System.exit(0);
    }
}
