package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The contract suites send each request on a connection of its own: here one client sends them all
 * on the same kept-alive connection to Jetty 12, with one worker, alternating a user's token, none,
 * a forged one and another user's: each request has its own decision and token, whatever the
 * request before it on the connection had.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Jetty12KeepAliveTest {
    private Jetty12Server server;
    private Downstream downstream;
    private HttpClient client;

    @BeforeAll
    void start() throws Exception {
        server = new Jetty12Server(1);
        downstream = new Downstream();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        downstream.close();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String field(HttpResponse<String> response, String key) {
        for (String line : response.body().split("\n")) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1);
            }
        }
        return null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/call", "/async-call", "/dispatch-call"})
    void eachRequestOnAKeptAliveConnectionHasItsOwnToken(String route) throws Exception {
        String path = route + "?client=url-connection&url=" + URLEncoder.encode(downstream.allowedUrl("/orders"), StandardCharsets.UTF_8);
        String[] parts = Tokens.valid("mallory").split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
        for (int i = 0; i < 4; i++) {
            String alice = Tokens.valid("alice" + i);
            HttpResponse<String> first = get(path, alice);
            assertEquals(200, first.statusCode(), first.body());
            assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "alice, round " + i);

            HttpResponse<String> none = get(path, null);
            assertEquals(200, none.statusCode(), none.body());
            assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "the request without a token after alice's, round " + i);

            HttpResponse<String> refused = get(path, forged);
            assertEquals(401, refused.statusCode(), refused.body());

            HttpResponse<String> none2 = get("/echo", null);
            assertEquals("null", field(none2, "subject"), "the request without a token after a refused one, round " + i);

            String bob = Tokens.valid("bob" + i);
            HttpResponse<String> last = get(path, bob);
            assertEquals(200, last.statusCode(), last.body());
            assertEquals(List.of("Bearer " + bob), downstream.takeAuthorization(), "bob, round " + i);
        }
    }
}
