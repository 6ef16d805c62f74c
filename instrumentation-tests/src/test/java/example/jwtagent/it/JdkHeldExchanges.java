package example.jwtagent.it;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Exchanges of one JDK {@code HttpClient} shared by every caller, held open by a downstream that
 * sends the headers and holds the body back, and what ends them all on one caller's thread (Java
 * 21+): that client's {@code shutdownNow()}, and its executor refusing a task. Also a
 * {@code sendAsync} that calls again from each of its callbacks.
 */
final class JdkHeldExchanges {
    private static volatile HttpClient shared = HttpClient.newHttpClient();
    /** For {@link #sendCallingFromEachCallback}, apart from the shared client the other cases end. */
    private static final HttpClient OWN_CALLBACKS_CLIENT = HttpClient.newHttpClient();
    /** Whether the executor of the client {@link #useAClientWhoseExecutorRefusesWhenTold} made refuses tasks. */
    private static final AtomicBoolean REFUSE = new AtomicBoolean();
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "jdk-held-exchanges-worker");
        thread.setDaemon(true);
        return thread;
    });

    private JdkHeldExchanges() {
    }

    /**
     * Starts a {@code sendAsync} of {@code url} on the shared client, whose body subscriber calls
     * the URL in {@code url}'s {@code then} parameter (with {@code HttpURLConnection}) from its
     * {@code onError}; returns once the subscriber has its subscription, the exchange still open.
     */
    static int start(String url, String authorization) throws Exception {
        String then = then(url);
        CountDownLatch subscribed = new CountDownLatch(1);
        shared.sendAsync(DownstreamClients.jdkRequest(url, authorization), info -> new HttpResponse.BodySubscriber<Void>() {
            private final CompletableFuture<Void> body = new CompletableFuture<>();

            @Override
            public CompletionStage<Void> getBody() {
                return body;
            }

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
                subscribed.countDown();
            }

            @Override
            public void onNext(List<ByteBuffer> item) {
            }

            @Override
            public void onError(Throwable failure) {
                try {
                    DownstreamClients.urlConnection(then, null);
                } catch (Exception e) {
                    failure.addSuppressed(e);
                }
                body.completeExceptionally(failure);
            }

            @Override
            public void onComplete() {
                body.complete(null);
            }
        });
        if (!subscribed.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the held exchange never got its body subscriber subscribed");
        }
        return 200;
    }

    /**
     * A {@code sendAsync} of {@code url} whose body handler, body subscriber ({@code onSubscribe},
     * {@code onComplete}) and a stage of the future it returns each call the URL in {@code url}'s
     * {@code then} parameter with {@code ?at=} and their name; waits for the stage.
     */
    static int sendCallingFromEachCallback(String url, String authorization) throws Exception {
        String then = then(url);
        HttpResponse.BodyHandler<Void> handler = info -> {
            callFromACallback(then + "?at=handler");
            return new Discarding(() -> callFromACallback(then + "?at=on-subscribe"), () -> callFromACallback(then + "?at=on-complete"));
        };
        return OWN_CALLBACKS_CLIENT.sendAsync(DownstreamClients.jdkRequest(url, authorization), handler).thenApply(response -> {
            callFromACallback(then + "?at=stage");
            return response.statusCode();
        }).get(10, TimeUnit.SECONDS);
    }

    /** The URL in {@code url}'s {@code then} parameter: where a callback of a held exchange calls. */
    static String then(String url) {
        String query = URI.create(url).getRawQuery();
        return URLDecoder.decode(query.substring(query.indexOf("then=") + "then=".length()), StandardCharsets.UTF_8);
    }

    /** A call with {@code HttpURLConnection} without a header of its own, from inside a client's callback, which takes no checked exceptions. */
    static void callFromACallback(String url) {
        try {
            DownstreamClients.urlConnection(url, null);
        } catch (Exception e) {
            throw new IllegalStateException("the call from a callback failed", e);
        }
    }

    /**
     * {@code shutdownNow()} of the shared client (by reflection: this module is compiled for Java 17),
     * then a call of {@code url} with {@code HttpURLConnection} from the same thread; the next
     * exchange gets a new client.
     */
    static int shutdownNowThenCall(String url, String authorization) throws Exception {
        HttpClient client = shared;
        shared = HttpClient.newHttpClient();
        HttpClient.class.getMethod("shutdownNow").invoke(client);
        return DownstreamClients.urlConnection(url, authorization);
    }

    /** Makes the shared client a new one with the client's own executor. */
    static void useADefaultClient() {
        shared = HttpClient.newHttpClient();
    }

    /** Makes the shared client one whose executor refuses every task once {@link #sendTellingTheExecutorToRefuse} has run. */
    static void useAClientWhoseExecutorRefusesWhenTold() {
        REFUSE.set(false);
        shared = HttpClient.newBuilder().executor(task -> {
            if (REFUSE.get()) {
                throw new RejectedExecutionException("the application's executor is full");
            }
            WORKERS.execute(task);
        }).build();
    }

    /**
     * A {@code sendAsync} of {@code url} on the shared client whose body handler tells its executor to
     * refuse tasks: the client hands the body's delivery to it, is refused, and ends every exchange
     * it has open (Java 21+). Answers 200 whatever became of this exchange.
     */
    static int sendTellingTheExecutorToRefuse(String url, String authorization) throws Exception {
        try {
            shared.sendAsync(DownstreamClients.jdkRequest(url, authorization), info -> {
                REFUSE.set(true);
                return new Discarding(null, null);
            }).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException refused) {
            // This exchange ends with the others.
        }
        return 200;
    }

    /** Discards the body; runs {@code subscribed} and {@code completed} (either may be null) as the client calls those methods. */
    private static final class Discarding implements HttpResponse.BodySubscriber<Void> {
        private final HttpResponse.BodySubscriber<Void> body = HttpResponse.BodySubscribers.discarding();
        private final Runnable subscribed;
        private final Runnable completed;

        Discarding(Runnable subscribed, Runnable completed) {
            this.subscribed = subscribed;
            this.completed = completed;
        }

        @Override
        public CompletionStage<Void> getBody() {
            return body.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            if (subscribed != null) {
                subscribed.run();
            }
            body.onSubscribe(subscription);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            body.onNext(item);
        }

        @Override
        public void onError(Throwable failure) {
            body.onError(failure);
        }

        @Override
        public void onComplete() {
            if (completed != null) {
                completed.run();
            }
            body.onComplete();
        }
    }
}
