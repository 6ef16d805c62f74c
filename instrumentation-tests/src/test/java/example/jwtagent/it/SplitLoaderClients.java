package example.jwtagent.it;

import java.io.Closeable;
import java.net.URL;
import java.net.URLClassLoader;

/**
 * Apache clients loaded the way some containers and plugin systems load them: the core library
 * (httpcore, httpcore5) in a parent class loader of its own, the client (httpclient, httpclient5)
 * in a child of it, neither seeing this module's copies. The agent must find the send points it
 * hooks in the core library's loader. Called by reflection, since these are other classes than
 * the ones this module compiles against.
 */
final class SplitLoaderClients {
    private SplitLoaderClients() {
    }

    /** httpcore 4 in a parent loader, httpclient 4 in its child. */
    private static final class Apache4 {
        static final ClassLoader CLIENT_LOADER = split(
                new Class<?>[] {org.apache.http.HttpRequest.class},
                new Class<?>[] {org.apache.http.impl.client.HttpClients.class, org.apache.commons.logging.Log.class,
                        org.apache.commons.codec.binary.Base64.class});
        static final Object CLIENT = invokeStatic("org.apache.http.impl.client.HttpClients", "createDefault");
    }

    /** httpcore5 (and its HTTP/2 part) in a parent loader, httpclient5 in its child. */
    private static final class Apache5 {
        static final ClassLoader CLIENT_LOADER = split(
                new Class<?>[] {org.apache.hc.core5.http.HttpRequest.class, org.apache.hc.core5.http2.HttpVersionPolicy.class},
                new Class<?>[] {org.apache.hc.client5.http.impl.async.HttpAsyncClients.class, org.slf4j.Logger.class});
        static final Object ASYNC_CLIENT = startedAsyncClient();

        private static Object startedAsyncClient() {
            try {
                Object client = CLIENT_LOADER.loadClass("org.apache.hc.client5.http.impl.async.HttpAsyncClients")
                        .getMethod("createDefault").invoke(null);
                CLIENT_LOADER.loadClass("org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient").getMethod("start").invoke(client);
                return client;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The default async client of HttpClient 5, with httpcore5 in the parent loader. */
    static int async5(String url, String authorization) throws Exception {
        ClassLoader loader = Apache5.CLIENT_LOADER;
        Class<?> builder = loader.loadClass("org.apache.hc.client5.http.async.methods.SimpleRequestBuilder");
        Object request = builder.getMethod("build").invoke(builder.getMethod("get", String.class).invoke(null, url));
        if (authorization != null) {
            loader.loadClass("org.apache.hc.core5.http.HttpMessage").getMethod("setHeader", String.class, Object.class)
                    .invoke(request, "Authorization", authorization);
        }
        Object future = loader.loadClass("org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient")
                .getMethod("execute", request.getClass(), loader.loadClass("org.apache.hc.core5.concurrent.FutureCallback"))
                .invoke(Apache5.ASYNC_CLIENT, request, null);
        Object response = ((java.util.concurrent.Future<?>) future).get(10, java.util.concurrent.TimeUnit.SECONDS);
        return (Integer) loader.loadClass("org.apache.hc.core5.http.HttpResponse").getMethod("getCode").invoke(response);
    }

    /** The classic default client of HttpClient 4, with httpcore in the parent loader. */
    static int classic4(String url, String authorization) throws Exception {
        ClassLoader loader = Apache4.CLIENT_LOADER;
        Class<?> getType = loader.loadClass("org.apache.http.client.methods.HttpGet");
        Object get = getType.getConstructor(String.class).newInstance(url);
        if (authorization != null) {
            loader.loadClass("org.apache.http.HttpMessage").getMethod("setHeader", String.class, String.class)
                    .invoke(get, "Authorization", authorization);
        }
        Object response = loader.loadClass("org.apache.http.client.HttpClient")
                .getMethod("execute", loader.loadClass("org.apache.http.client.methods.HttpUriRequest")).invoke(Apache4.CLIENT, get);
        try {
            Object status = loader.loadClass("org.apache.http.HttpResponse").getMethod("getStatusLine").invoke(response);
            Object entity = loader.loadClass("org.apache.http.HttpResponse").getMethod("getEntity").invoke(response);
            loader.loadClass("org.apache.http.util.EntityUtils").getMethod("consume", loader.loadClass("org.apache.http.HttpEntity"))
                    .invoke(null, entity);
            return (Integer) loader.loadClass("org.apache.http.StatusLine").getMethod("getStatusCode").invoke(status);
        } finally {
            ((Closeable) response).close();
        }
    }

    /** Loaders: the jars of {@code parentLibraries} under the platform loader, those of {@code childLibraries} under that. */
    private static ClassLoader split(Class<?>[] parentLibraries, Class<?>[] childLibraries) {
        ClassLoader parent = new URLClassLoader("split-core", jars(parentLibraries), ClassLoader.getPlatformClassLoader());
        return new URLClassLoader("split-client", jars(childLibraries), parent);
    }

    private static URL[] jars(Class<?>[] libraries) {
        URL[] urls = new URL[libraries.length];
        for (int i = 0; i < libraries.length; i++) {
            urls[i] = libraries[i].getProtectionDomain().getCodeSource().getLocation();
        }
        return urls;
    }

    private static Object invokeStatic(String className, String method) {
        try {
            return Apache4.CLIENT_LOADER.loadClass(className).getMethod(method).invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
