package example.jwtagent.it;

import okhttp3.Dns;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * OkHttp decides a hop before its connection is made: a token that expires while the DNS lookup
 * (or the connect) takes its time is taken off before the hop is written. Before, it went out
 * expired. A token that has not expired by then goes (the control).
 */
class OkHttpExpiryTest {
    @Test
    void aTokenThatExpiresWhileTheHostIsLookedUpIsNotSent() throws Exception {
        try (Downstream downstream = new Downstream()) {
            call(slowDns(1500), downstream.allowedUrl("/orders"), System.currentTimeMillis() + 500);
            assertEquals(List.of(), downstream.takeAuthorization());
        }
    }

    @Test
    void aTokenThatOutlivesTheLookupIsSent() throws Exception {
        String alice = Tokens.valid("alice");
        try (Downstream downstream = new Downstream()) {
            CurrentToken.withExpiry(alice, System.currentTimeMillis() + 60_000, () -> send(slowDns(300), downstream.allowedUrl("/orders")));
            assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
        }
    }

    private static void call(OkHttpClient client, String url, long expiresAtMillis) throws Exception {
        CurrentToken.withExpiry(Tokens.valid("alice"), expiresAtMillis, () -> send(client, url));
    }

    private static int send(OkHttpClient client, String url) throws Exception {
        try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
            return response.code();
        }
    }

    /** A resolver of the application's that takes its time. */
    private static OkHttpClient slowDns(long millis) {
        return new OkHttpClient.Builder().dns(host -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of(InetAddress.getByName("127.0.0.1"));
        }).build();
    }
}
