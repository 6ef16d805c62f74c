package example.jwtagent.it;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An application interceptor that moves every call from a name that is not allowed to an allowed
 * host (service discovery: {@code http://127.0.0.1/...} stands for the replica it picks). Its first
 * hop is decided for the host it really goes to and gets the token; a redirect that host then
 * answers with is decided as any. Only a redirect chosen by a first hop's host that may not see the
 * token goes without it ({@code RedirectFromAHostNotAllowedTest}).
 */
class OkHttpMovedCallTest {
    @Test
    void aCallAnInterceptorMovesToAnAllowedHostCarriesTheToken() throws Exception {
        try (Downstream landing = new Downstream();
             Downstream replica = new Downstream(landing.allowedUrl("/landing"))) {
            OkHttpClient client = new OkHttpClient.Builder().addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
                    .url(chain.request().url().newBuilder().host("localhost").build()).build())).build();
            String alice = Tokens.valid("alice");
            String standIn = replica.notAllowedUrl("/orders");
            CurrentToken.with(alice, () -> {
                try (Response response = client.newCall(new Request.Builder().url(standIn).build()).execute()) {
                    return response.code();
                }
            });
            assertEquals(List.of("Bearer " + alice), replica.takeAuthorization(), "the allowed host the interceptor moved the call to");
            assertEquals(List.of("Bearer " + alice), landing.takeAuthorization(), "the allowed host it redirected to");
        }
    }
}
