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
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * Exchanges of one JDK {@code HttpClient} shared by every caller, held open by a downstream that
 * sends the headers and holds the body back, and that client's {@code shutdownNow()} (Java 21+),
 * which ends them all on the thread that calls it.
 */
final class JdkHeldExchanges {
    private static volatile HttpClient shared = HttpClient.newHttpClient();

    private JdkHeldExchanges() {
    }

    /**
     * Starts a {@code sendAsync} of {@code url} on the shared client, whose body subscriber calls
     * the URL in {@code url}'s {@code then} parameter (with {@code HttpURLConnection}) from its
     * {@code onError}; returns once the subscriber has its subscription, the exchange still open.
     */
    static int start(String url, String authorization) throws Exception {
        String query = URI.create(url).getRawQuery();
        String then = URLDecoder.decode(query.substring(query.indexOf("then=") + "then=".length()), StandardCharsets.UTF_8);
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

    /** {@code shutdownNow()} of the shared client (by reflection: this module is compiled for Java 17); the next exchange gets a new client. */
    static int shutdownNow() throws Exception {
        HttpClient client = shared;
        shared = HttpClient.newHttpClient();
        HttpClient.class.getMethod("shutdownNow").invoke(client);
        return 200;
    }
}
