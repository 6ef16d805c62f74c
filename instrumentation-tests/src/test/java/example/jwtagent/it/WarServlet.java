package example.jwtagent.it;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import okhttp3.OkHttpClient;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The servlet of the web applications {@link TomcatWarDeploymentTest} deploys as exploded WARs: it is
 * copied into each one's {@code WEB-INF/classes} and loaded, with the HTTP clients of its
 * {@code WEB-INF/lib}, by Tomcat's web application class loader. No nested classes, so that the one
 * class file is the whole servlet.
 *
 * <p>{@code /who}: the subject the agent put on the request, this copy's call count, the loader of
 * this class. {@code /call?client=okhttp|apache5|urlconnection&url=...}: calls {@code url} with that
 * client and answers its status and the loader of the client's class.
 */
public class WarServlet extends HttpServlet {
    private static final AtomicInteger CALLS = new AtomicInteger();
    /** Set by {@code /leave-thread-local} only: the leak a careless application makes, for the tests to see detected. */
    private static final ThreadLocal<Object> LEFT_BEHIND = new ThreadLocal<>();

    private OkHttpClient okHttp;
    private CloseableHttpClient apache;

    @Override
    public void init() {
        // No timeouts: Okio's watchdog thread, which serves them, idles for a minute after its last one.
        okHttp = new OkHttpClient.Builder().connectTimeout(0, java.util.concurrent.TimeUnit.SECONDS)
                .readTimeout(0, java.util.concurrent.TimeUnit.SECONDS).writeTimeout(0, java.util.concurrent.TimeUnit.SECONDS).build();
        apache = HttpClients.createDefault();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int calls = CALLS.incrementAndGet();
        StringBuilder body = new StringBuilder();
        body.append("subject=").append(request.getAttribute("jwt.agent.subject")).append('\n');
        body.append("calls=").append(calls).append('\n');
        body.append("loader=").append(getClass().getClassLoader().getClass().getName()).append('\n');
        body.append("thread=").append(Thread.currentThread().getName()).append('\n');
        if ("/leave-thread-local".equals(request.getPathInfo())) {
            LEFT_BEHIND.set(this);
        }
        if ("/async-dropped".equals(request.getPathInfo())) {
            body.append("dropped=").append(asyncCallDropped(request.getParameter("url"))).append('\n');
        }
        if ("/async-call".equals(request.getPathInfo())) {
            asyncCall(request, response, body);
            return;
        }
        if ("/call".equals(request.getPathInfo())) {
            String client = request.getParameter("client");
            String url = request.getParameter("url");
            body.append("status=").append(call(client, url)).append('\n');
            body.append("clientLoader=").append(clientLoader(client)).append('\n');
        }
        response.setContentType("text/plain");
        response.getWriter().write(body.toString());
    }

    /** {@code /async-call}: the call made from a task {@code AsyncContext.start} runs on a container thread. */
    private void asyncCall(HttpServletRequest request, HttpServletResponse response, StringBuilder body) {
        // With the filter's wrappers, as the application handed them on.
        jakarta.servlet.AsyncContext async = request.startAsync(request, response);
        String client = request.getParameter("client");
        String url = request.getParameter("url");
        async.start(new Runnable() {
            @Override
            public void run() {
                try {
                    body.append("status=").append(call(client, url)).append('\n');
                    body.append("requestClass=").append(async.getRequest().getClass().getName()).append('\n');
                    async.getResponse().setContentType("text/plain");
                    async.getResponse().getWriter().write(body.toString());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    async.complete();
                }
            }
        });
    }

    private int call(String client, String url) throws IOException {
        if ("okhttp".equals(client)) {
            try (okhttp3.Response answer = okHttp.newCall(new okhttp3.Request.Builder().url(url).build()).execute()) {
                return answer.code();
            }
        }
        if ("apache5".equals(client)) {
            return apacheCall(url);
        }
        if ("apache5async".equals(client)) {
            return apacheAsyncCall(url);
        }
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        int status = connection.getResponseCode();
        try (InputStream in = connection.getInputStream()) {
            in.readAllBytes();
        }
        return status;
    }

    @SuppressWarnings("deprecation")
    private int apacheCall(String url) throws IOException {
        try (CloseableHttpResponse answer = apache.execute(new HttpGet(url))) {
            org.apache.hc.core5.http.io.entity.EntityUtils.consume(answer.getEntity());
            return answer.getCode();
        }
    }

    /**
     * Two calls with Apache's async client, one connection per route: the first waits on a slow
     * downstream, the second for the connection; then the client is closed at once, and the second
     * is dropped before it was ever sent. Answers how the second call ended.
     */
    private String asyncCallDropped(String url) throws IOException {
        org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient client = org.apache.hc.client5.http.impl.async.HttpAsyncClients.custom()
                .setConnectionManager(org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder.create()
                        .setMaxConnPerRoute(1).setMaxConnTotal(1).build())
                .build();
        client.start();
        try {
            client.execute(org.apache.hc.client5.http.async.methods.SimpleRequestBuilder.get(url).build(), null);
            java.util.concurrent.Future<?> second = client.execute(org.apache.hc.client5.http.async.methods.SimpleRequestBuilder.get(url).build(), null);
            Thread.sleep(500);
            client.close(org.apache.hc.core5.io.CloseMode.IMMEDIATE);
            client.awaitShutdown(org.apache.hc.core5.util.TimeValue.ofSeconds(5));
            try {
                second.get(5, java.util.concurrent.TimeUnit.SECONDS);
                return "no";
            } catch (Exception e) {
                return e.getClass().getSimpleName();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** A call with Apache's async client, made, started and closed for the call (so that no I/O thread outlives it). */
    private int apacheAsyncCall(String url) throws IOException {
        org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient client = org.apache.hc.client5.http.impl.async.HttpAsyncClients.createDefault();
        client.start();
        try {
            return client.execute(org.apache.hc.client5.http.async.methods.SimpleRequestBuilder.get(url).build(), null)
                    .get(10, java.util.concurrent.TimeUnit.SECONDS).getCode();
        } catch (Exception e) {
            throw new IOException(e);
        } finally {
            client.close(org.apache.hc.core5.io.CloseMode.GRACEFUL);
            try {
                client.awaitShutdown(org.apache.hc.core5.util.TimeValue.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String clientLoader(String client) {
        Class<?> type = "okhttp".equals(client) ? OkHttpClient.class
                : client.startsWith("apache5") ? CloseableHttpClient.class : HttpURLConnection.class;
        ClassLoader loader = type.getClassLoader();
        return loader == null ? "bootstrap" : loader.getClass().getName();
    }

    /**
     * What a careful application does when it stops: closes its clients and ends OkHttp's threads (its
     * task runner's, otherwise idle for a minute with this application's loader as their context).
     */
    @Override
    public void destroy() {
        okHttp.dispatcher().executorService().shutdown();
        okHttp.connectionPool().evictAll();
        try {
            apache.close();
            try {
                Object taskRunner = Class.forName("okhttp3.internal.concurrent.TaskRunner").getField("INSTANCE").get(null);
                Object backend = taskRunner.getClass().getMethod("getBackend").invoke(taskRunner);
                backend.getClass().getMethod("shutdown").invoke(backend);
            } catch (ClassNotFoundException e) {
                // OkHttp 3: no task runner.
            }
            okHttp.dispatcher().executorService().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
            long end = System.nanoTime() + 5_000_000_000L;
            while (okHttpThreadsLeft() && System.nanoTime() < end) {
                Thread.sleep(50);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean okHttpThreadsLeft() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("OkHttp")) {
                return true;
            }
        }
        return false;
    }
}
