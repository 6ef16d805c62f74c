package example.jwtagent.it;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * OkHttp's network interceptors run after the agent decides a hop: one that adds the application's
 * own Authorization has its value go alone, not beside the token. One that leaves the header
 * alone sees the token go (the control).
 */
class OkHttpNetworkInterceptorTest {
    @Test
    void anAuthorizationANetworkInterceptorAddsGoesAlone() throws Exception {
        OkHttpClient client = new OkHttpClient.Builder()
                .addNetworkInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                        .addHeader("Authorization", "Basic YXBwOnNlY3JldA==").build()))
                .build();
        try (Downstream downstream = new Downstream()) {
            call(client, downstream.allowedUrl("/orders"), Tokens.valid("alice"));
            assertEquals(List.of("Basic YXBwOnNlY3JldA=="), downstream.takeAuthorization());
        }
    }

    @Test
    void aNetworkInterceptorThatAddsAnotherHeaderLeavesTheToken() throws Exception {
        OkHttpClient client = new OkHttpClient.Builder()
                .addNetworkInterceptor(chain -> chain.proceed(chain.request().newBuilder().addHeader("X-Trace", "1").build()))
                .build();
        String alice = Tokens.valid("alice");
        try (Downstream downstream = new Downstream()) {
            call(client, downstream.allowedUrl("/orders"), alice);
            assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
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
