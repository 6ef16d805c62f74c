package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The async Apache client 5 (5.2 and later) with one context the application shares between calls
 * made at once (a cookie store or auth cache kept for all of them): each call carries its own
 * caller's token. The calls wait for the one pooled connection, which a call without a token holds,
 * so both are handed over before either is sent. Before, the token was captured in that context,
 * and bob's capture replaced alice's: her request went without a token.
 */
class ApacheAsyncSharedContextTest {
    @Test
    void callsOnOneSharedContextEachCarryTheirOwnCallersToken() throws Exception {
        String alice = Tokens.valid("alice");
        String bob = Tokens.valid("bob");
        try (Downstream downstream = Downstream.slow(1000);
             CloseableHttpAsyncClient client = HttpAsyncClients.custom()
                     .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create().setMaxConnTotal(1).setMaxConnPerRoute(1).build())
                     .build()) {
            client.start();
            HttpClientContext shared = HttpClientContext.create();
            CompletableFuture<Integer> holding = call(client, downstream.allowedUrl("/holding"), null, HttpClientContext.create());
            Thread.sleep(300);
            CompletableFuture<Integer> ofAlice = call(client, downstream.allowedUrl("/alice"), alice, shared);
            CompletableFuture<Integer> ofBob = call(client, downstream.allowedUrl("/bob"), bob, shared);
            assertEquals(200, holding.get(20, TimeUnit.SECONDS));
            assertEquals(200, ofAlice.get(20, TimeUnit.SECONDS));
            assertEquals(200, ofBob.get(20, TimeUnit.SECONDS));
            Map<String, List<String>> arrived = new HashMap<>();
            for (int i = 0; i < 3; i++) {
                RecordedRequest request = downstream.take();
                arrived.put(request.getUrl().encodedPath(), request.getHeaders().values("Authorization"));
            }
            assertEquals(List.of(), arrived.get("/holding"));
            assertEquals(List.of("Bearer " + alice), arrived.get("/alice"), "alice's call on the shared context");
            assertEquals(List.of("Bearer " + bob), arrived.get("/bob"), "bob's call on the shared context");
        }
    }

    /** Starts a call on this thread with {@code token} current (or none), as a request's own code would. */
    private static CompletableFuture<Integer> call(CloseableHttpAsyncClient client, String url, String token, HttpClientContext context)
            throws Exception {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        CurrentToken.with(token, () -> client.execute(SimpleRequestBuilder.get(url).build(), context,
                new org.apache.hc.core5.concurrent.FutureCallback<org.apache.hc.client5.http.async.methods.SimpleHttpResponse>() {
                    @Override
                    public void completed(org.apache.hc.client5.http.async.methods.SimpleHttpResponse response) {
                        status.complete(response.getCode());
                    }

                    @Override
                    public void failed(Exception fault) {
                        status.completeExceptionally(fault);
                    }

                    @Override
                    public void cancelled() {
                        status.cancel(false);
                    }
                }));
        return status;
    }
}
