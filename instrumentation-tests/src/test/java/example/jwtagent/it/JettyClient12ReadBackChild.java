package example.jwtagent.it;

import java.lang.reflect.Method;
import java.util.function.Consumer;

/**
 * Child JVM main for {@link JettyClient12ReadBackTest} (Jetty 12 lives only on child class paths),
 * driven reflectively: {@code <token> <allowedUrl> <otherUrl>}. With the token current, as a
 * request's own code, it sends a request to {@code allowedUrl} (which may fail: nothing listens
 * there), then prints what that request's
 * {@code Authorization} reads as afterwards ({@code AFTER-SEND-SHOWS-TOKEN true|false}), then
 * sends a new request to {@code otherUrl} with the first request's headers copied onto it, as code
 * that repeats a call elsewhere (a fall-back instance) does. Prints {@code READY 0} when done.
 */
public final class JettyClient12ReadBackChild {
    public static void main(String[] args) throws Exception {
        Class<?> clientType = Class.forName("org.eclipse.jetty.client.HttpClient");
        Class<?> requestType = Class.forName("org.eclipse.jetty.client.Request");
        Class<?> fieldsType = Class.forName("org.eclipse.jetty.http.HttpFields");
        Class<?> fieldsMutable = Class.forName("org.eclipse.jetty.http.HttpFields$Mutable");
        Method newRequest = clientType.getMethod("newRequest", String.class);
        Method send = requestType.getMethod("send");
        Method getHeaders = requestType.getMethod("getHeaders");
        Method headers = requestType.getMethod("headers", Consumer.class);
        Method addAll = fieldsMutable.getMethod("add", fieldsType);
        Object client = clientType.getConstructor().newInstance();
        clientType.getMethod("start").invoke(client);
        String token = args[0];
        CurrentToken.with(token, () -> {
            Object sent = newRequest.invoke(client, args[1]);
            try {
                send.invoke(sent);
            } catch (java.lang.reflect.InvocationTargetException e) {
                System.out.println("FIRST-FAILED " + e.getCause().getClass().getName());
            }
            Object after = getHeaders.invoke(sent);
            System.out.println("AFTER-SEND-SHOWS-TOKEN " + String.valueOf(fieldsType.getMethod("get", String.class)
                    .invoke(after, "Authorization")).contains(token));
            Object again = newRequest.invoke(client, args[2]);
            headers.invoke(again, (Consumer<Object>) fields -> {
                try {
                    addAll.invoke(fields, getHeaders.invoke(sent));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            });
            return send.invoke(again);
        });
        System.out.println(ChildJvm.READY + "0");
        System.exit(0);
    }
}
