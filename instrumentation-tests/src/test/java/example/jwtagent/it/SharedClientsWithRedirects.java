package example.jwtagent.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One client of each library shared by every caller of a service, each with a single connection
 * to a host (or the JDK client, which pools its own, on an executor of the application's), each
 * following redirects: the callers' requests wait for the connection and are handed it, and their
 * redirects are sent, on whichever thread the library uses. Each library lives in a nested class
 * of its own, loaded on first use, so a child JVM with only some of them can use the rest.
 */
final class SharedClientsWithRedirects {
    private SharedClientsWithRedirects() {
    }

    /** The JDK client, {@code followRedirects(ALWAYS)}, {@code sendAsync} on an executor of two threads of the application's. */
    static final class Jdk {
        static final ExecutorService EXECUTOR = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "jdk-client-own-executor");
            thread.setDaemon(true);
            return thread;
        });
        static final HttpClient CLIENT = HttpClient.newBuilder().executor(EXECUTOR)
                .followRedirects(HttpClient.Redirect.ALWAYS).version(HttpClient.Version.HTTP_1_1).build();

        static int sendAsync(String url, String authorization) throws Exception {
            return CLIENT.sendAsync(DownstreamClients.jdkRequest(url, authorization), HttpResponse.BodyHandlers.discarding())
                    .get(30, TimeUnit.SECONDS).statusCode();
        }

        /**
         * As {@link #sendAsync}; its {@code BodyHandler} and a stage of the future it answers each
         * call {@link #nested} with {@code HttpURLConnection}, as an application that calls on in a callback.
         */
        static int sendAsyncThenNested(String url, String authorization) throws Exception {
            return CLIENT.sendAsync(DownstreamClients.jdkRequest(url, authorization), info -> {
                        callNested(url, "body-handler");
                        return HttpResponse.BodySubscribers.discarding();
                    })
                    .thenApply(response -> {
                        callNested(url, "stage");
                        return response;
                    })
                    .get(30, TimeUnit.SECONDS).statusCode();
        }
    }

    /** OkHttp, one request per host at a time and one pooled connection, {@code enqueue}. */
    static final class OkHttp {
        static final okhttp3.OkHttpClient CLIENT;

        static {
            okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
            dispatcher.setMaxRequestsPerHost(1);
            CLIENT = new okhttp3.OkHttpClient.Builder().dispatcher(dispatcher)
                    .connectionPool(new okhttp3.ConnectionPool(1, 1, TimeUnit.MINUTES)).build();
        }

        static int enqueue(String url, String authorization) throws Exception {
            okhttp3.Request.Builder request = new okhttp3.Request.Builder().url(url);
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            CompletableFuture<Integer> status = new CompletableFuture<>();
            CLIENT.newCall(request.build()).enqueue(new okhttp3.Callback() {
                @Override
                public void onFailure(okhttp3.Call call, java.io.IOException e) {
                    status.completeExceptionally(e);
                }

                @Override
                public void onResponse(okhttp3.Call call, okhttp3.Response response) {
                    try (okhttp3.Response r = response) {
                        r.body().string();
                        status.complete(r.code());
                    } catch (Exception e) {
                        status.completeExceptionally(e);
                    }
                }
            });
            return status.get(30, TimeUnit.SECONDS);
        }
    }

    /** Reactor Netty, a pool of one connection on one event loop, redirects followed. */
    static final class Reactor {
        static final reactor.netty.http.client.HttpClient CLIENT = reactor.netty.http.client.HttpClient.create(
                        reactor.netty.resources.ConnectionProvider.builder("shared-one-connection").maxConnections(1)
                                .pendingAcquireMaxCount(64).pendingAcquireTimeout(Duration.ofSeconds(60)).build())
                .runOn(reactor.netty.resources.LoopResources.create("shared-one-connection", 1, true))
                .followRedirect(true);

        static int get(String url, String authorization) {
            return getRetried(url, authorization, false);
        }

        /** As {@link #get}; the answer's {@code doOnNext} calls {@link #nested} with {@code HttpURLConnection}. */
        static int getThenNested(String url, String authorization) {
            Integer status = CLIENT.headers(headers -> {
                        if (authorization != null) {
                            headers.set("Authorization", authorization);
                        }
                    })
                    .get().uri(url)
                    .responseSingle((response, body) -> body.asString().defaultIfEmpty("").thenReturn(response.status().code()))
                    .doOnNext(code -> callNested(url, "on-next"))
                    .block(Duration.ofSeconds(30));
            return status == null ? 0 : status;
        }

        /**
         * As {@link #get}; with {@code refuseFirst}, the first answer is taken as a failure and
         * {@code retryWhen(Retry.max(1))} subscribes again at once, on the thread the answer arrived on.
         */
        static int getRetried(String url, String authorization, boolean refuseFirst) {
            java.util.concurrent.atomic.AtomicInteger answers = new java.util.concurrent.atomic.AtomicInteger();
            Integer status = CLIENT.headers(headers -> {
                        if (authorization != null) {
                            headers.set("Authorization", authorization);
                        }
                    })
                    .get().uri(url)
                    .responseSingle((response, body) -> body.asString().defaultIfEmpty("").thenReturn(response.status().code()))
                    .flatMap(code -> refuseFirst && answers.getAndIncrement() == 0
                            ? reactor.core.publisher.Mono.<Integer>error(new IllegalStateException("first answer refused"))
                            : reactor.core.publisher.Mono.just(code))
                    .retryWhen(reactor.util.retry.Retry.max(1))
                    .block(Duration.ofSeconds(30));
            return status == null ? 0 : status;
        }
    }

    /** A started Jetty 12 client (reflectively), one connection per destination, on {@code executor} or (null) its own pool. */
    private static Object startedJetty12Client(java.util.concurrent.Executor executor) {
        try {
            Class<?> type = Class.forName("org.eclipse.jetty.client.HttpClient");
            Object client = type.getConstructor().newInstance();
            type.getMethod("setMaxConnectionsPerDestination", int.class).invoke(client, 1);
            if (executor != null) {
                type.getMethod("setExecutor", java.util.concurrent.Executor.class).invoke(client, executor);
            }
            type.getMethod("start").invoke(client);
            return client;
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Jetty 12 (reflectively: this module's class path has Jetty 9.4), one connection per destination, redirects followed. */
    static final class Jetty12 {
        static final Object CLIENT = startedJetty12Client(null);

        static int send(String url, String authorization) throws Exception {
            return Jetty12Clients.sendWith(CLIENT, url, authorization);
        }

        /** As {@link #send}, asynchronously; the complete listener calls {@link #nested} with {@code HttpURLConnection}. */
        static int sendThenNested(String url, String authorization) throws Exception {
            return Jetty12Clients.sendWithCompleteListener(CLIENT, url, authorization, () -> callNested(url, "on-complete"));
        }
    }

    /**
     * As {@link Jetty12}, with an executor of the application's (a JDK {@code ThreadPoolExecutor},
     * whose tasks carry the token current where they are handed over) in place of Jetty's own pool.
     */
    static final class Jetty12OwnExecutor {
        static final Object CLIENT = startedJetty12Client(Executors.newFixedThreadPool(8, runnable -> {
            Thread thread = new Thread(runnable, "jetty-client-own-executor");
            thread.setDaemon(true);
            return thread;
        }));

        static int send(String url, String authorization) throws Exception {
            return Jetty12Clients.sendWith(CLIENT, url, authorization);
        }

        static int sendThenNested(String url, String authorization) throws Exception {
            return Jetty12Clients.sendWithCompleteListener(CLIENT, url, authorization, () -> callNested(url, "on-complete"));
        }
    }

    /** {@code url}'s path replaced by {@code /nested}, with {@code &nested=<where>} added: the call a callback makes. */
    static String nested(String url, String where) {
        URI uri = URI.create(url);
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery().replaceAll("&redirect=[0-9]+", "");
        return uri.getScheme() + "://" + uri.getRawAuthority() + "/nested?" + query + "&nested=" + where;
    }

    /** Calls {@link #nested} with {@code HttpURLConnection}, which takes the token current on the calling thread. */
    static void callNested(String url, String where) {
        try {
            DownstreamClients.byName("url-connection").get(nested(url, where), null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
