package example.jwtagent.it;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A service calling through a forward proxy (a MockWebServer on {@code 127.0.0.1}, a host the
 * agent does not allow) to {@code localhost}, which it allows. The request is decided for its
 * target: an {@code https://} call reaches the proxy only as the tunnel's {@code CONNECT}, which
 * must carry no token (the proxy refuses the tunnel, so nothing else follows); an
 * {@code http://} call reaches the proxy whole, the token with it, as the README says under
 * Forward proxies (unless the client tunnels that too).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ForwardProxyContractTest {
    /** Nothing listens here: the proxy answers every request itself. */
    private static final String TARGET = "localhost:9";

    private MockWebServer proxy;
    private TestServer service;

    /** Starts the service whose {@code *-through-proxy} clients use {@code proxy} ({@code host:port}). */
    abstract TestServer startService(String proxy) throws Exception;

    /** The client names under test, from {@link DownstreamClients}. */
    abstract List<String> clients();

    /** Whether {@code client} opens a tunnel for an {@code http://} call too, as Reactor Netty does through an HTTP proxy. */
    boolean tunnelsPlainCalls(String client) {
        return false;
    }

    @BeforeAll
    void start() throws Exception {
        proxy = new MockWebServer();
        proxy.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if ("CONNECT".equals(request.getMethod())) {
                    return new MockResponse.Builder().code(403).body("tunnel refused").build();
                }
                return new MockResponse.Builder().code(200).body("ok").build();
            }
        });
        proxy.start(InetAddress.getByName("127.0.0.1"), 0);
        service = startService("127.0.0.1:" + proxy.getPort());
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        proxy.close();
    }

    private RawHttp.Response call(String client, String url, String token) throws Exception {
        String path = "/call?client=" + client + "&url=" + URLEncoder.encode(url, StandardCharsets.UTF_8);
        return RawHttp.get(service.baseUrl(), path, RawHttp.bearer(token));
    }

    /** What reached the proxy for one call: waits for the first request, then until 300 ms pass without another. */
    private List<RecordedRequest> takeFromProxy() throws InterruptedException {
        List<RecordedRequest> arrived = new ArrayList<>();
        RecordedRequest request = proxy.takeRequest(10, TimeUnit.SECONDS);
        while (request != null) {
            arrived.add(request);
            request = proxy.takeRequest(300, TimeUnit.MILLISECONDS);
        }
        assertFalse(arrived.isEmpty(), "nothing reached the proxy");
        return arrived;
    }

    @ParameterizedTest
    @MethodSource("clients")
    void tunnelToAnAllowedHostGivesTheProxyNoToken(String client) throws Exception {
        String token = Tokens.valid("alice");
        RawHttp.Response response = call(client, "https://" + TARGET + "/orders", token);
        // Some clients fail the call, others answer with the proxy's 403; none reaches the target.
        assertFalse(response.toString().contains("downstream=200"), response.toString());

        assertOnlyConnectsWithoutToken(takeFromProxy(), token);
    }

    /** Each request is a CONNECT to the target with the token in none of its headers; a client may try more than once. */
    private static void assertOnlyConnectsWithoutToken(List<RecordedRequest> arrived, String token) {
        for (RecordedRequest connect : arrived) {
            assertEquals("CONNECT", connect.getMethod(), connect.getRequestLine());
            assertEquals(TARGET, connect.getTarget());
            assertEquals(List.of(), connect.getHeaders().values("Authorization"));
            for (String name : connect.getHeaders().names()) {
                assertFalse(connect.getHeaders().values(name).toString().contains(token), "the token in " + name);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("clients")
    void plainCallReachesTheProxyWholeWithTheTokenUnlessTunnelled(String client) throws Exception {
        String token = Tokens.valid("alice");
        RawHttp.Response response = call(client, "http://" + TARGET + "/orders", token);
        if (tunnelsPlainCalls(client)) {
            assertFalse(response.toString().contains("downstream=200"), response.toString());
            assertOnlyConnectsWithoutToken(takeFromProxy(), token);
            return;
        }
        assertEquals(200, response.status, response.toString());
        assertEquals("200", response.field("downstream"), response.toString());

        List<RecordedRequest> arrived = takeFromProxy();
        assertEquals(1, arrived.size(), arrived.toString());
        RecordedRequest forwarded = arrived.get(0);
        assertEquals("GET", forwarded.getMethod());
        assertEquals("http://" + TARGET + "/orders", forwarded.getTarget(), "sent to the proxy in absolute form");
        assertEquals(List.of("Bearer " + token), forwarded.getHeaders().values("Authorization"));
    }
}
