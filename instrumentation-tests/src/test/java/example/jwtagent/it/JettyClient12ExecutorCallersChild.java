package example.jwtagent.it;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM main for {@link JettyClient12ExecutorCallersTest}: one Jetty 12 client with one connection
 * per destination, given an executor (args[0]: "virtual", the JDK's virtual-thread-per-task executor,
 * or "cached-pool") and started with no token. Alice (args[1]), a caller without a token and bob
 * (args[2]) each send three requests at once to {@code args[3] + caller + "/send"}; each request's
 * complete listener calls {@code args[3] + caller + "/listener"} with {@code HttpURLConnection}.
 * Prints {@code READY 0} when every listener has called.
 */
public final class JettyClient12ExecutorCallersChild {
    public static void main(String[] args) throws Exception {
        Class<?> clientType = Class.forName("org.eclipse.jetty.client.HttpClient");
        Class<?> requestType = Class.forName("org.eclipse.jetty.client.Request");
        Class<?> completeListener = Class.forName("org.eclipse.jetty.client.Response$CompleteListener");
        Method newRequest = clientType.getMethod("newRequest", String.class);
        Method send = requestType.getMethod("send", completeListener);
        Object client = clientType.getConstructor().newInstance();
        Executor executor = args[0].equals("virtual") ? (Executor) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null)
                : Executors.newCachedThreadPool();
        clientType.getMethod("setExecutor", Executor.class).invoke(client, executor);
        clientType.getMethod("setMaxConnectionsPerDestination", int.class).invoke(client, 1);
        clientType.getMethod("start").invoke(client);
        String[] callers = {"alice", "none", "bob"};
        CountDownLatch called = new CountDownLatch(9);
        Thread[] threads = new Thread[3];
        for (int i = 0; i < 3; i++) {
            String caller = callers[i];
            String token = caller.equals("alice") ? args[1] : caller.equals("bob") ? args[2] : null;
            threads[i] = new Thread(() -> {
                try {
                    CurrentToken.with(token, () -> {
                        for (int n = 0; n < 3; n++) {
                            Object listener = Proxy.newProxyInstance(completeListener.getClassLoader(), new Class<?>[] {completeListener},
                                    (proxy, method, margs) -> {
                                        if (method.getName().equals("onComplete")) {
                                            try {
                                                DownstreamClients.urlConnection(args[3] + caller + "/listener", null);
                                            } finally {
                                                called.countDown();
                                            }
                                        }
                                        return null;
                                    });
                            send.invoke(newRequest.invoke(client, args[3] + caller + "/send"), listener);
                        }
                        return null;
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        for (Thread thread : threads) {
            thread.start();
        }
        if (!called.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("listeners did not all run");
        }
        System.out.println(ChildJvm.READY + "0");
        System.exit(0);
    }
}
