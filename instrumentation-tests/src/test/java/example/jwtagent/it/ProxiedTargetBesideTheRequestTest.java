package example.jwtagent.it;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * An Apache client given a target beside a request whose URI names another host, sending through
 * a forward proxy: the route's target is {@code localhost} (allowed), but a proxied request keeps
 * its absolute URI, so the proxy forwards it to the host that URI names. The token must not go
 * when that host is not allowed. Tomcat 11 in this JVM; the proxy answers every request itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxiedTargetBesideTheRequestTest {
    private MockWebServer proxy;
    private TestServer service;

    @BeforeAll
    void start() throws Exception {
        proxy = new MockWebServer();
        proxy.setDispatcher(new mockwebserver3.Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().code(200).body("ok").build();
            }
        });
        proxy.start(InetAddress.getByName("127.0.0.1"), 0);
        System.setProperty(DownstreamClients.PROXY_PROPERTY, "127.0.0.1:" + proxy.getPort());
        service = new TomcatJakartaServer(2);
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        proxy.close();
    }

    private RecordedRequest call(String client, String url, String token) throws Exception {
        String path = "/call?client=" + client + "&url=" + URLEncoder.encode(url, StandardCharsets.UTF_8);
        RawHttp.Response response = RawHttp.get(service.baseUrl(), path, RawHttp.bearer(token));
        assertEquals("200", response.field("downstream"), response.toString());
        RecordedRequest forwarded = proxy.takeRequest(10, TimeUnit.SECONDS);
        assertNotNull(forwarded, "nothing reached the proxy");
        return forwarded;
    }

    @ParameterizedTest
    @ValueSource(strings = {"apache4-through-proxy-explicit-target", "apache4-async-through-proxy-explicit-target",
            "apache5-through-proxy-explicit-target"})
    void theProxyForwardsToTheUrisHostSoTheTokenGoesOnlyWhereThatHostIsAllowed(String client) throws Exception {
        String token = Tokens.valid("alice");
        RecordedRequest forwarded = call(client, "http://partner.example.com/orders", token);
        assertEquals("http://partner.example.com/orders", forwarded.getTarget(), "the proxy is told to forward to the URI's host");
        assertEquals(List.of(), forwarded.getHeaders().values("Authorization"), "a host that is not allowed");

        // The URI names the allowed target itself: the token goes, as through any proxy for http://.
        token = Tokens.valid("alice");
        forwarded = call(client, "http://localhost:9/orders", token);
        assertEquals("http://localhost:9/orders", forwarded.getTarget());
        assertEquals(List.of("Bearer " + token), forwarded.getHeaders().values("Authorization"));
    }
}
