package example.jwtagent.it;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An application interceptor that keeps the request the network layer sent for one call
 * ({@code networkResponse().request()}, which has the agent's header) and sends it again from a
 * later call, to another replica, as a fail-over or hedging interceptor that remembers the last
 * request does: the later call's caller (none, or bob) is not alice, and the replica
 * ({@code 127.0.0.1}) is not allowed. Neither gets alice's token.
 */
class OkHttpReplayedHopTest {
    @Test
    void aHopOfAnEarlierCallSentAgainByALaterCallsInterceptorCarriesNoneOfItsToken() throws Exception {
        AtomicReference<Request> sent = new AtomicReference<>();
        OkHttpClient client = new OkHttpClient.Builder().addInterceptor(chain -> {
            Request earlier = sent.get();
            if (earlier == null) {
                Response response = chain.proceed(chain.request());
                sent.set(response.networkResponse().request());
                return response;
            }
            return chain.proceed(earlier.newBuilder().url(earlier.url().newBuilder().host("127.0.0.1").build()).build());
        }).build();
        try (Downstream downstream = new Downstream()) {
            String alice = Tokens.valid("alice");
            call(client, downstream.allowedUrl("/orders"), alice);
            assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "alice's call, to localhost");

            call(client, downstream.allowedUrl("/orders"), null);
            assertEquals(List.of(), downstream.takeAuthorization(), "a later call without a token, sent to 127.0.0.1");

            String bob = Tokens.valid("bob");
            call(client, downstream.allowedUrl("/orders"), bob);
            assertEquals(List.of(), downstream.takeAuthorization(), "bob's later call, sent to 127.0.0.1");
        }
    }

    @Test
    void aHopOfAnEarlierCallSentAgainToAnAllowedHostCarriesTheLaterCallersTokenOnly() throws Exception {
        AtomicReference<Request> sent = new AtomicReference<>();
        OkHttpClient client = new OkHttpClient.Builder().addInterceptor(chain -> {
            Request earlier = sent.get();
            if (earlier == null) {
                Response response = chain.proceed(chain.request());
                sent.set(response.networkResponse().request());
                return response;
            }
            return chain.proceed(earlier);
        }).build();
        try (Downstream downstream = new Downstream()) {
            String alice = Tokens.valid("alice");
            call(client, downstream.allowedUrl("/orders"), alice);
            assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "alice's call");

            call(client, downstream.allowedUrl("/orders"), null);
            assertEquals(List.of(), downstream.takeAuthorization(), "a later call without a token");

            String bob = Tokens.valid("bob");
            call(client, downstream.allowedUrl("/orders"), bob);
            assertEquals(List.of("Bearer " + bob), downstream.takeAuthorization(), "bob's later call");
        }
    }

    private static void call(OkHttpClient client, String url, String token) throws Exception {
        CurrentToken.with(token, () -> {
            try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
                return response.code();
            }
        });
    }
}
