package example.jwtagent.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Clients named {@code form:<form>:<client>}: each sends a GET whose {@code Authorization} the
 * application set itself in an unusual form, and never the {@code authorization} argument.
 * Forms: {@code lower} ({@code authorization}), {@code upper} ({@code AUTHORIZATION}),
 * {@code empty} (an empty value), {@code twice} (two values), {@code default} (set through the
 * client's own defaults: its builder, a default header, an interceptor).
 */
final class HeaderForms {
    /** The values the application sends, per form, as the downstream service should receive them. */
    static List<String> expected(String form) {
        switch (form) {
            case "lower": return List.of("Bearer app-lower");
            case "upper": return List.of("Bearer app-upper");
            case "empty": return List.of("");
            case "twice": return List.of("Bearer app-one", "Bearer app-two");
            case "default": return List.of("Bearer app-default");
            default: throw new IllegalArgumentException(form);
        }
    }

    /** Header name and values the application sets, per form. */
    private static Map.Entry<String, List<String>> header(String form, String base) {
        switch (form) {
            case "lower": return Map.entry(base.toLowerCase(java.util.Locale.ROOT), expected(form));
            case "upper": return Map.entry(base.toUpperCase(java.util.Locale.ROOT), expected(form));
            case "empty":
            case "twice":
            case "default": return Map.entry(base, expected(form));
            default: throw new IllegalArgumentException(form);
        }
    }

    private HeaderForms() {
    }

    static int get(String name, String url) throws Exception {
        String[] parts = name.split(":", 4);
        String form = parts[1];
        String client = parts[2];
        String base = parts.length > 3 ? parts[3] : "Authorization";
        String lower = base.toLowerCase(java.util.Locale.ROOT);
        Map.Entry<String, List<String>> h = header(form, base);
        boolean viaDefault = form.equals("default");
        switch (client) {
            case "url-connection": {
                HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
                c.setConnectTimeout(5000);
                c.setReadTimeout(5000);
                for (String v : h.getValue()) {
                    c.addRequestProperty(h.getKey(), v);
                }
                int status = c.getResponseCode();
                try (InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                    if (body != null) {
                        body.readAllBytes();
                    }
                }
                return status;
            }
            case "jdk-send":
            case "jdk-async": {
                java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(URI.create(url)).GET();
                for (String v : h.getValue()) {
                    b.header(h.getKey(), v);
                }
                java.net.http.HttpClient jdk = Jdk.CLIENT;
                return client.equals("jdk-send") ? jdk.send(b.build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode()
                        : jdk.sendAsync(b.build(), java.net.http.HttpResponse.BodyHandlers.discarding()).get(10, TimeUnit.SECONDS).statusCode();
            }
            case "apache4": {
                org.apache.http.impl.client.CloseableHttpClient c = viaDefault ? Apache.classic4Default(lower) : Apache.CLASSIC4;
                org.apache.http.client.methods.HttpGet get = new org.apache.http.client.methods.HttpGet(url);
                if (!viaDefault) {
                    for (String v : h.getValue()) {
                        get.addHeader(h.getKey(), v);
                    }
                }
                try (org.apache.http.client.methods.CloseableHttpResponse r = c.execute(get)) {
                    org.apache.http.util.EntityUtils.consume(r.getEntity());
                    return r.getStatusLine().getStatusCode();
                }
            }
            case "apache4-async": {
                org.apache.http.impl.nio.client.CloseableHttpAsyncClient c = Apache.ASYNC4;
                org.apache.http.client.methods.HttpGet get = new org.apache.http.client.methods.HttpGet(url);
                for (String v : h.getValue()) {
                    get.addHeader(h.getKey(), v);
                }
                return c.execute(get, null).get(10, TimeUnit.SECONDS).getStatusLine().getStatusCode();
            }
            case "apache5": {
                org.apache.hc.client5.http.impl.classic.CloseableHttpClient c = Apache.CLASSIC5;
                org.apache.hc.client5.http.classic.methods.HttpGet get = new org.apache.hc.client5.http.classic.methods.HttpGet(url);
                for (String v : h.getValue()) {
                    get.addHeader(h.getKey(), v);
                }
                try (org.apache.hc.client5.http.impl.classic.CloseableHttpResponse r = c.execute(get)) {
                    org.apache.hc.core5.http.io.entity.EntityUtils.consume(r.getEntity());
                    return r.getCode();
                }
            }
            case "apache5-async": {
                org.apache.hc.client5.http.async.methods.SimpleRequestBuilder b = org.apache.hc.client5.http.async.methods.SimpleRequestBuilder.get(url);
                for (String v : h.getValue()) {
                    b.addHeader(h.getKey(), v);
                }
                return Apache.ASYNC5.execute(b.build(), null).get(10, TimeUnit.SECONDS).getCode();
            }
            case "okhttp":
            case "okhttp-async": {
                okhttp3.OkHttpClient c = viaDefault ? Ok.defaulting(lower) : Ok.CLIENT;
                okhttp3.Request.Builder b = new okhttp3.Request.Builder().url(url);
                if (!viaDefault) {
                    for (String v : h.getValue()) {
                        b.addHeader(h.getKey(), v);
                    }
                }
                okhttp3.Call call = c.newCall(b.build());
                if (client.equals("okhttp")) {
                    try (okhttp3.Response r = call.execute()) {
                        r.body().string();
                        return r.code();
                    }
                }
                CompletableFuture<Integer> status = new CompletableFuture<>();
                call.enqueue(new okhttp3.Callback() {
                    @Override
                    public void onFailure(okhttp3.Call call, IOException e) {
                        status.completeExceptionally(e);
                    }

                    @Override
                    public void onResponse(okhttp3.Call call, okhttp3.Response response) {
                        try (okhttp3.Response r = response) {
                            r.body().string();
                            status.complete(r.code());
                        } catch (IOException e) {
                            status.completeExceptionally(e);
                        }
                    }
                });
                return status.get(10, TimeUnit.SECONDS);
            }
            case "webclient": {
                org.springframework.web.reactive.function.client.WebClient w = viaDefault ? Spring.webDefault(lower) : Spring.WEB;
                return w.get().uri(url).headers(hs -> {
                    if (!viaDefault) {
                        for (String v : h.getValue()) {
                            hs.add(h.getKey(), v);
                        }
                    }
                }).retrieve().toBodilessEntity().block(Duration.ofSeconds(10)).getStatusCode().value();
            }
            default:
                if (client.startsWith("rest-client-")) {
                    org.springframework.web.client.RestClient rc = Spring.restClient(client.substring("rest-client-".length()), viaDefault ? base.toUpperCase(java.util.Locale.ROOT) : null);
                    return rc.get().uri(url).headers(hs -> {
                        if (!viaDefault) {
                            for (String v : h.getValue()) {
                                hs.add(h.getKey(), v);
                            }
                        }
                    }).retrieve().toBodilessEntity().getStatusCode().value();
                }
                throw new IllegalArgumentException(client);
        }
    }

    private static final class Jdk {
        static final java.net.http.HttpClient CLIENT = java.net.http.HttpClient.newHttpClient();
    }

    private static final class Apache {
        static final org.apache.http.impl.client.CloseableHttpClient CLASSIC4 = org.apache.http.impl.client.HttpClients.createDefault();
        static final org.apache.http.impl.nio.client.CloseableHttpAsyncClient ASYNC4 = org.apache.http.impl.nio.client.HttpAsyncClients.createDefault();
        static final org.apache.hc.client5.http.impl.classic.CloseableHttpClient CLASSIC5 = org.apache.hc.client5.http.impl.classic.HttpClients.createDefault();
        static final org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient ASYNC5 = org.apache.hc.client5.http.impl.async.HttpAsyncClients.createDefault();
        private static final Map<String, org.apache.http.impl.client.CloseableHttpClient> DEFAULTS = new java.util.concurrent.ConcurrentHashMap<>();

        static {
            ASYNC4.start();
            ASYNC5.start();
        }

        static org.apache.http.impl.client.CloseableHttpClient classic4Default(String header) {
            return DEFAULTS.computeIfAbsent(header, k -> org.apache.http.impl.client.HttpClients.custom()
                        .setDefaultHeaders(List.of(new org.apache.http.message.BasicHeader(header, "Bearer app-default"))).build());
        }
    }

    private static final class Ok {
        static final okhttp3.OkHttpClient CLIENT = new okhttp3.OkHttpClient();
        private static final Map<String, okhttp3.OkHttpClient> DEFAULTING = new java.util.concurrent.ConcurrentHashMap<>();

        static okhttp3.OkHttpClient defaulting(String header) {
            return DEFAULTING.computeIfAbsent(header, k -> new okhttp3.OkHttpClient.Builder()
                    .addInterceptor(chain -> chain.proceed(chain.request().newBuilder().header(header, "Bearer app-default").build()))
                    .build());
        }
    }

    private static final class Spring {
        static final org.springframework.web.reactive.function.client.WebClient WEB =
                org.springframework.web.reactive.function.client.WebClient.create();
        private static final Map<String, org.springframework.web.reactive.function.client.WebClient> WEB_DEFAULTS = new java.util.concurrent.ConcurrentHashMap<>();

        static org.springframework.web.reactive.function.client.WebClient webDefault(String header) {
            return WEB_DEFAULTS.computeIfAbsent(header,
                    k -> org.springframework.web.reactive.function.client.WebClient.builder().defaultHeader(header, "Bearer app-default").build());
        }
        private static final Map<String, org.springframework.web.client.RestClient> CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();

        @SuppressWarnings("removal")
        static org.springframework.web.client.RestClient restClient(String factory, String defaultHeader) {
            return CLIENTS.computeIfAbsent(factory + ":" + defaultHeader, k -> {
                org.springframework.http.client.ClientHttpRequestFactory f;
                switch (factory) {
                    case "simple": f = new org.springframework.http.client.SimpleClientHttpRequestFactory(); break;
                    case "jdk": f = new org.springframework.http.client.JdkClientHttpRequestFactory(); break;
                    case "apache5": f = new org.springframework.http.client.HttpComponentsClientHttpRequestFactory(); break;
                    case "okhttp": f = new org.springframework.http.client.OkHttp3ClientHttpRequestFactory(); break;
                    case "reactor": f = new org.springframework.http.client.ReactorClientHttpRequestFactory(); break;
                    default: throw new IllegalArgumentException(factory);
                }
                org.springframework.web.client.RestClient.Builder b = org.springframework.web.client.RestClient.builder().requestFactory(f);
                if (defaultHeader != null) {
                    b.defaultHeader(defaultHeader, "Bearer app-default");
                }
                return b.build();
            });
        }
    }
}
