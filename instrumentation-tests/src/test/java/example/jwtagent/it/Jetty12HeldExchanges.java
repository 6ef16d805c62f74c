package example.jwtagent.it;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Exchanges of one Jetty 12 {@code HttpClient} shared by every caller, held open by a downstream
 * that sends the headers and holds the body back, and that client's {@code stop()}, which ends
 * them all on the thread that calls it. Reflective, as {@link Jetty12Clients}.
 */
final class Jetty12HeldExchanges {
    private static volatile Object shared;

    private Jetty12HeldExchanges() {
    }

    private static Object shared() throws Exception {
        if (shared == null) {
            Object client = Class.forName("org.eclipse.jetty.client.HttpClient").getConstructor().newInstance();
            client.getClass().getMethod("start").invoke(client);
            shared = client;
        }
        return shared;
    }

    /**
     * Sends {@code url} on the shared client with a listener that calls the URL in {@code url}'s
     * {@code then} parameter (with {@code HttpURLConnection}) when the exchange completes; returns
     * once the response's headers arrived, the exchange still open.
     */
    static int start(String url, String authorization) throws Exception {
        String then = JdkHeldExchanges.then(url);
        Object client = shared();
        Object request = client.getClass().getMethod("newRequest", String.class).invoke(client, url);
        Class<?> requestType = Class.forName("org.eclipse.jetty.client.Request");
        Class<?> headersListener = Class.forName("org.eclipse.jetty.client.Response$HeadersListener");
        Class<?> completeListener = Class.forName("org.eclipse.jetty.client.Response$CompleteListener");
        CountDownLatch headers = new CountDownLatch(1);
        Object onHeaders = Proxy.newProxyInstance(headersListener.getClassLoader(), new Class<?>[] {headersListener},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("onHeaders")) {
                        headers.countDown();
                    }
                    return null;
                });
        requestType.getMethod("onResponseHeaders", headersListener).invoke(request, onHeaders);
        Object onComplete = Proxy.newProxyInstance(completeListener.getClassLoader(), new Class<?>[] {completeListener},
                (proxy, method, arguments) -> {
                    if (method.getName().equals("onComplete")) {
                        DownstreamClients.urlConnection(then, null);
                    }
                    return null;
                });
        Method send = requestType.getMethod("send", completeListener);
        send.invoke(request, onComplete);
        if (!headers.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the held exchange's headers never arrived");
        }
        return 200;
    }

    /** {@code stop()} of the shared client, then a call of {@code url} with {@code HttpURLConnection} from the same thread. */
    static int stopThenCall(String url, String authorization) throws Exception {
        Object client = shared;
        shared = null;
        client.getClass().getMethod("stop").invoke(client);
        return DownstreamClients.urlConnection(url, authorization);
    }
}
