package example.jwtagent.it;

import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * OkHttp, synchronous and enqueued, with its default settings (redirects followed). Uses only API
 * that OkHttp 3, 4 and 5 share, so the same class runs in child JVMs with OkHttp 3 or 4.
 */
final class OkHttpClients {
    private static final OkHttpClient CLIENT = new OkHttpClient.Builder().build();
    private static final Map<String, OkHttpClient> WITH_INTERCEPTOR = new ConcurrentHashMap<>();
    private static final Map<String, OkHttpClient> WITH_NETWORK_INTERCEPTOR = new ConcurrentHashMap<>();

    private OkHttpClients() {
    }

    private static Request request(String url, String authorization) {
        Request.Builder builder = new Request.Builder().url(url);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return builder.build();
    }

    static int execute(String url, String authorization) throws IOException {
        return execute(CLIENT, url, authorization);
    }

    static int execute(OkHttpClient client, String url, String authorization) throws IOException {
        try (Response response = client.newCall(request(url, authorization)).execute()) {
            response.body().string();
            return response.code();
        }
    }

    static int enqueue(String url, String authorization) throws Exception {
        return enqueue(CLIENT, url, authorization);
    }

    static int enqueue(OkHttpClient client, String url, String authorization) throws Exception {
        return enqueue(client, url, authorization, false);
    }

    /**
     * Enqueues a call; once its response has come, answers its status, or with {@code callAgain}
     * calls {@code url} again from the callback, with {@code &nested=1} added, through
     * {@code HttpURLConnection} (as an application that chains calls in callbacks does), and
     * answers that call's status.
     */
    private static int enqueue(OkHttpClient client, String url, String authorization, boolean callAgain) throws Exception {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        client.newCall(request(url, authorization)).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
                status.completeExceptionally(e);
            }

            @Override
            public void onResponse(Call call, Response response) {
                try (Response r = response) {
                    r.body().string();
                    status.complete(callAgain ? DownstreamClients.byName("url-connection").get(url + "&nested=1", null) : r.code());
                } catch (Exception e) {
                    status.completeExceptionally(e);
                }
            }
        });
        return status.get(30, TimeUnit.SECONDS);
    }

    /**
     * A client with one application interceptor, by kind: {@code host-rewritten} sends every call to
     * {@code 127.0.0.1} instead of the host it names; {@code credentials-if-absent} adds the
     * service's own Basic credentials ({@link ApacheClients#SERVICE_CREDENTIALS}) when the request
     * has no {@code Authorization}; {@code traced} adds a header of its own and changes nothing else;
     * {@code rebuilt} sends a new request made of the old one's URL and headers and a header more;
     * {@code fails-over} sends the call, then the request the network layer sent again, to
     * {@code 127.0.0.1}.
     */
    static OkHttpClient withInterceptor(String kind) {
        return WITH_INTERCEPTOR.computeIfAbsent(kind, name -> {
            Interceptor interceptor;
            switch (name) {
                case "host-rewritten":
                    interceptor = chain -> chain.proceed(chain.request().newBuilder()
                            .url(chain.request().url().newBuilder().host("127.0.0.1").build()).build());
                    break;
                case "credentials-if-absent":
                    interceptor = chain -> chain.proceed(chain.request().header("Authorization") != null ? chain.request()
                            : chain.request().newBuilder().header("Authorization", ApacheClients.SERVICE_CREDENTIALS).build());
                    break;
                case "traced":
                    interceptor = chain -> chain.proceed(chain.request().newBuilder().header("X-Trace", "1").build());
                    break;
                case "fails-over":
                    // Sends the call, then sends again the request the network layer sent, to 127.0.0.1, as a
                    // fail-over to another replica does.
                    interceptor = chain -> {
                        Response first = chain.proceed(chain.request());
                        Request sent = first.networkResponse().request();
                        first.close();
                        return chain.proceed(sent.newBuilder().url(sent.url().newBuilder().host("127.0.0.1").build()).build());
                    };
                    break;
                case "rebuilt":
                    // A signing interceptor's way: a new request with the old one's URL and headers, and a header more.
                    interceptor = chain -> chain.proceed(new Request.Builder().url(chain.request().url())
                            .headers(chain.request().headers()).header("X-Signed", "1").build());
                    break;
                default:
                    throw new IllegalArgumentException("no interceptor " + name);
            }
            return new OkHttpClient.Builder().addInterceptor(interceptor).build();
        });
    }

    /**
     * A client with one network interceptor, which runs after the agent decided the hop and before
     * it is written, by kind: {@code adds-credentials} adds the service's own Basic credentials
     * ({@link ApacheClients#SERVICE_CREDENTIALS}) as a value of {@code Authorization} of their own;
     * {@code sets-credentials} sets them in place of any value there; {@code slow} takes four
     * seconds and changes nothing; {@code replays-the-first-hop} keeps the first request it is handed
     * (the agent's header on it) and sends it in place of every later call's, as one that caches the
     * last request it signed does.
     */
    static OkHttpClient withNetworkInterceptor(String kind) {
        return WITH_NETWORK_INTERCEPTOR.computeIfAbsent(kind, name -> {
            Interceptor interceptor;
            switch (name) {
                case "adds-credentials":
                    interceptor = chain -> chain.proceed(chain.request().newBuilder()
                            .addHeader("Authorization", ApacheClients.SERVICE_CREDENTIALS).build());
                    break;
                case "sets-credentials":
                    interceptor = chain -> chain.proceed(chain.request().newBuilder()
                            .header("Authorization", ApacheClients.SERVICE_CREDENTIALS).build());
                    break;
                case "slow":
                    interceptor = chain -> {
                        try {
                            Thread.sleep(4000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return chain.proceed(chain.request());
                    };
                    break;
                case "replays-the-first-hop":
                    java.util.concurrent.atomic.AtomicReference<Request> first = new java.util.concurrent.atomic.AtomicReference<>();
                    interceptor = chain -> {
                        first.compareAndSet(null, chain.request());
                        return chain.proceed(first.get());
                    };
                    break;
                default:
                    throw new IllegalArgumentException("no network interceptor " + name);
            }
            return new OkHttpClient.Builder().addNetworkInterceptor(interceptor).build();
        });
    }

    /** A client with a response cache of its own, in a new temporary directory. */
    private static final class Cached {
        static final OkHttpClient CLIENT;

        static {
            try {
                java.io.File directory = java.nio.file.Files.createTempDirectory("okhttp-cache").toFile();
                directory.deleteOnExit();
                CLIENT = new OkHttpClient.Builder().cache(new okhttp3.Cache(directory, 1024 * 1024)).build();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    static int executeCached(String url, String authorization) throws IOException {
        return execute(Cached.CLIENT, url, authorization);
    }

    /** The request of the last call {@link #executeReusingTheLastCallsRequest} made, as {@code Call.request()} gave it. */
    private static volatile Request lastCallsRequest;

    /**
     * {@link #execute}, but from the second call on with the request the previous call answered
     * {@code Call.request()} with (its URL and headers), as an application that keeps a call's
     * request to send it again does.
     */
    static int executeReusingTheLastCallsRequest(String url, String authorization) throws IOException {
        Request reused = lastCallsRequest;
        Call call = CLIENT.newCall(reused != null ? reused : request(url, authorization));
        lastCallsRequest = call.request();
        try (Response response = call.execute()) {
            response.body().string();
            return response.code();
        }
    }

    /** One call at a time per host: a call enqueued while another runs waits, and is started by the thread that ends that one. */
    private static final class OnePerHost {
        static final OkHttpClient CLIENT;

        static {
            okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher();
            dispatcher.setMaxRequestsPerHost(1);
            CLIENT = new OkHttpClient.Builder().dispatcher(dispatcher).build();
        }
    }

    /**
     * Enqueues a call on {@link OnePerHost}; its callback calls {@code url} again with
     * {@code &nested=1} added, through {@code HttpURLConnection}, as an application that chains
     * calls in callbacks does. Answers the nested call's status.
     */
    static int enqueueOnePerHostThenCallFromTheCallback(String url, String authorization) throws Exception {
        return enqueue(OnePerHost.CLIENT, url, authorization, true);
    }

    /**
     * Calls {@code url}, then sends the request OkHttp answered with again, once as
     * {@code networkResponse().request()} and once as {@code response.request()} gave it, each to
     * the same server as {@code 127.0.0.1}, as an application that repeats a request does.
     * Answers the last status.
     */
    static int executeThenReuseTheAnsweredRequests(String url, String authorization) throws IOException {
        Request network;
        Request answered;
        try (Response response = CLIENT.newCall(request(url, authorization)).execute()) {
            response.body().string();
            network = response.networkResponse().request();
            answered = response.request();
        }
        String elsewhere = url.replace("//localhost:", "//127.0.0.1:");
        execute(CLIENT, network.newBuilder().url(elsewhere + "&reused=network").build());
        return execute(CLIENT, answered.newBuilder().url(elsewhere + "&reused=answered").build());
    }

    private static int execute(OkHttpClient client, Request request) throws IOException {
        try (Response response = client.newCall(request).execute()) {
            response.body().string();
            return response.code();
        }
    }

    /** The first call made through {@link #executeCloneOfTheFirstCall}; every later call is a clone of it. */
    private static volatile Call firstCall;

    /** The first time, a new call to {@code url}; after that, {@code clone()} of that first call (its URL and headers). */
    static int executeCloneOfTheFirstCall(String url, String authorization) throws IOException {
        Call call;
        synchronized (OkHttpClients.class) {
            if (firstCall == null) {
                firstCall = CLIENT.newCall(request(url, authorization));
                call = firstCall;
            } else {
                call = firstCall.clone();
            }
        }
        try (Response response = call.execute()) {
            response.body().string();
            return response.code();
        }
    }

    /**
     * A client whose {@code Authenticator} answers a Basic challenge with the service's own
     * credentials ({@link ApacheClients#SERVICE_CREDENTIALS}) the way OkHttp's documentation shows:
     * giving up when the request already carried {@code Authorization}.
     */
    private static final class AnsweringChallenges {
        static final OkHttpClient CLIENT = new OkHttpClient.Builder()
                .authenticator((route, response) -> response.request().header("Authorization") != null ? null
                        : response.request().newBuilder().header("Authorization", ApacheClients.SERVICE_CREDENTIALS).build())
                .build();
    }

    static int executeAnsweringChallenges(String url, String authorization) throws IOException {
        return execute(AnsweringChallenges.CLIENT, url, authorization);
    }

    /**
     * Enqueues a call with {@code authorization} set by the application; its callback calls
     * {@code url} again with {@code &nested=1} added through {@code HttpURLConnection}. Answers
     * the callback call's status.
     */
    static int enqueueThenCallFromTheCallback(String url, String authorization) throws Exception {
        return enqueue(CLIENT, url, authorization, true);
    }

    /**
     * Opens a WebSocket to {@code /ws} of {@code url}'s server, which closes it; the listener answers
     * the close and, in {@code onClosed}, calls {@code url} with {@code &nested=1} added through
     * {@code HttpURLConnection}. Answers that call's status.
     */
    static int openAWebSocketTheServerClosesThenCall(String url, String authorization) throws Exception {
        java.net.URI uri = java.net.URI.create(url);
        CompletableFuture<Integer> status = new CompletableFuture<>();
        CLIENT.newWebSocket(new Request.Builder().url("ws://" + uri.getAuthority() + "/ws").build(), new okhttp3.WebSocketListener() {
            @Override
            public void onClosing(okhttp3.WebSocket webSocket, int code, String reason) {
                webSocket.close(1000, null);
            }

            @Override
            public void onClosed(okhttp3.WebSocket webSocket, int code, String reason) {
                try {
                    status.complete(DownstreamClients.byName("url-connection").get(url + "&nested=1", null));
                } catch (Exception e) {
                    status.completeExceptionally(e);
                }
            }

            @Override
            public void onFailure(okhttp3.WebSocket webSocket, Throwable failure, Response response) {
                status.completeExceptionally(failure);
            }
        });
        return status.get(30, TimeUnit.SECONDS);
    }
}
