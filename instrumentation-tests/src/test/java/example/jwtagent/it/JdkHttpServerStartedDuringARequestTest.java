package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The JDK's own runnables are never wrapped when a thread is made, also those of the JDK modules
 * the platform class loader defines ({@code jdk.httpserver}, {@code java.net.http}, {@code java.sql}...),
 * not only the bootstrap loader's. A {@code com.sun.net.httpserver.HttpServer} started lazily in
 * alice's request starts its dispatcher thread there, with the server's own dispatcher as its
 * target; that thread runs every exchange of every later caller (with the default executor) or hands
 * each to the application's executor. Before, the dispatcher was wrapped with alice's token, and a
 * later caller's exchange, sent with no token, called downstream with hers.
 */
class JdkHttpServerStartedDuringARequestTest {
    @Test
    void aJdkHttpServerStartedInAlicesRequestDoesNotServeLaterCallersWithHerToken() throws Exception {
        String alice = Tokens.valid("alice-starts-the-server");
        try (TestServer server = new TomcatJakartaServer(2); Downstream downstream = new Downstream()) {
            String url = downstream.allowedUrl("/orders");
            RawHttp.Response started = RawHttp.get(server.baseUrl(), "/call?client=url-connection&via=jdk-http-server&url=" + encode(url),
                    RawHttp.bearer(alice));
            assertEquals(200, started.status, started.toString());
            assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "alice's own call");

            // Another caller, without a token, reaches the server alice's request started.
            RawHttp.Response relayed = RawHttp.get(Handoffs.JdkHttpServer.baseUrl(), "/relay?url=" + encode(url));
            assertEquals(200, relayed.status, relayed.toString());
            assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "a later caller's exchange carried alice's token");
        } finally {
            Handoffs.JdkHttpServer.stop();
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
