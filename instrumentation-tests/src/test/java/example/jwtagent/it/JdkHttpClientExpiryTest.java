package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The JDK {@code HttpClient} decides the first hop as {@code send} copies the request, before its
 * request filters run (the application's {@code CookieHandler}) and before its connection is made
 * (DNS lookup, connect, TLS handshake). A token that expires in that interval is taken off just
 * before the hop is written, over HTTP/1.1 and HTTP/2; before, it went out expired. A token that
 * has not expired by then goes (the control).
 */
class JdkHttpClientExpiryTest {
    @Test
    void aTokenThatExpiresWhileTheClientPreparesTheRequestIsNotSent() throws Exception {
        try (Downstream downstream = new Downstream()) {
            HttpClient client = HttpClient.newBuilder().cookieHandler(slowCookies(1500)).build();
            CurrentToken.withExpiry(Tokens.valid("alice"), System.currentTimeMillis() + 500,
                    () -> client.send(HttpRequest.newBuilder(URI.create(downstream.allowedUrl("/orders"))).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(List.of(), downstream.takeAuthorization());
        }
    }

    @Test
    void overHttp2ATokenThatExpiresWhileTheClientPreparesTheRequestIsNotSent() throws Exception {
        try (Downstream downstream = Downstream.https(null)) {
            HttpClient client = HttpClient.newBuilder().sslContext(TestTls.client()).version(HttpClient.Version.HTTP_2)
                    .cookieHandler(slowCookies(1500)).build();
            HttpClient.Version version = CurrentToken.withExpiry(Tokens.valid("alice"), System.currentTimeMillis() + 500,
                    () -> client.send(HttpRequest.newBuilder(URI.create(downstream.allowedUrl("/orders"))).build(),
                            HttpResponse.BodyHandlers.discarding()).version());
            assertEquals(HttpClient.Version.HTTP_2, version);
            assertEquals(List.of(), downstream.takeAuthorization());
        }
    }

    @Test
    void aTokenThatOutlivesThePreparationIsSent() throws Exception {
        String alice = Tokens.valid("alice");
        try (Downstream downstream = new Downstream()) {
            HttpClient client = HttpClient.newBuilder().cookieHandler(slowCookies(300)).build();
            CurrentToken.withExpiry(alice, System.currentTimeMillis() + 60_000,
                    () -> client.send(HttpRequest.newBuilder(URI.create(downstream.allowedUrl("/orders"))).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
        }
    }

    /** A cookie store of the application's that takes its time to answer. */
    private static CookieHandler slowCookies(long millis) {
        return new CookieHandler() {
            @Override
            public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Map.of();
            }

            @Override
            public void put(URI uri, Map<String, List<String>> responseHeaders) throws IOException {
            }
        };
    }
}
