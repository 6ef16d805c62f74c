package example.jwtagent.it;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * With {@code outbound.allowed-hosts=internal}, a single-label name allows the token because a
 * resolver completes it with its search domains (a cluster's {@code orders}). Written with a
 * trailing dot ({@code example.}) the name is absolute: no search domain is tried and it names a
 * top-level domain of the public DNS. Such a call gets no token. Sent through a forward proxy
 * (a MockWebServer) so that the name need not resolve here.
 */
class InternalSingleLabelTrailingDotTest {
    private static final List<String> CLIENTS = List.of("url-connection-through-proxy", "jdk-send-through-proxy",
            "apache4-through-proxy", "apache5-through-proxy", "okhttp-through-proxy");

    @Test
    void aSingleLabelNameWithATrailingDotGetsNoTokenUnderInternal() throws Exception {
        try (MockWebServer proxy = new MockWebServer()) {
            proxy.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return new MockResponse.Builder().code(200).body("ok").build();
                }
            });
            proxy.start(InetAddress.getByName("127.0.0.1"), 0);
            try (ChildJvm child = ChildJvm.main(Child.class).agentSetting("outbound.allowed-hosts", "internal")
                    .jvmArgument("-D" + DownstreamClients.PROXY_PROPERTY + "=127.0.0.1:" + proxy.getPort()).start()) {
                String token = Tokens.valid("alice");
                for (String client : CLIENTS) {
                    assertEquals(List.of("Bearer " + token), forwardedAuthorization(child, proxy, client, "http://orders/x", token),
                            client + ": a single-label name is internal\n" + child.output());
                    assertEquals(List.of(), forwardedAuthorization(child, proxy, client, "http://example./x", token),
                            client + ": an absolute single-label name is a public top-level domain\n" + child.output());
                }
            }
        }
    }

    private static List<String> forwardedAuthorization(ChildJvm child, MockWebServer proxy, String client, String url, String token)
            throws Exception {
        String path = "/call?client=" + client + "&url=" + URLEncoder.encode(url, StandardCharsets.UTF_8);
        RawHttp.Response response = RawHttp.get(child.baseUrl(), path, RawHttp.bearer(token));
        assertEquals("200", response.field("downstream"), client + " " + url + ": " + response + "\n" + child.output());
        RecordedRequest forwarded = proxy.takeRequest(10, TimeUnit.SECONDS);
        assertNotNull(forwarded, client + " " + url + ": nothing reached the proxy");
        assertEquals(url, forwarded.getTarget(), client + ": sent to the proxy in absolute form");
        return forwarded.getHeaders().values("Authorization");
    }

    /** Tomcat 11 with the relay application, its clients sending through the proxy named by the system property. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            TomcatJakartaServer server = new TomcatJakartaServer(2);
            String base = server.baseUrl();
            System.out.println(ChildJvm.READY + base.substring(base.lastIndexOf(':') + 1));
            System.out.flush();
            System.in.readAllBytes();
            server.close();
            System.exit(0);
        }
    }
}
