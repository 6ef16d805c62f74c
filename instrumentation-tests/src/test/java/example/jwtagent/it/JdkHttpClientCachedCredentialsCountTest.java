package example.jwtagent.it;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.Authenticator;
import java.net.InetAddress;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The JDK {@code HttpClient} sends the credentials it kept from an earlier challenge in the
 * token's place: that request did not carry the token, and the counters say so (the header was
 * already set), as they do for {@code HttpURLConnection}'s cached credentials.
 */
class JdkHttpClientCachedCredentialsCountTest {
    private final MBeanServer beans = ManagementFactory.getPlatformMBeanServer();

    @Test
    void credentialsSentInTheTokensPlaceAreNotCountedAsPropagated() throws Exception {
        try (TestServer service = new TomcatJakartaServer(2); MockWebServer challenging = new MockWebServer()) {
            // The agent publishes its counters with the first request it sees.
            assertEquals(200, RawHttp.get(service.baseUrl(), "/echo").status);
            challenging.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    String authorization = request.getHeaders().get("Authorization");
                    return authorization != null && authorization.startsWith("Basic ") ? new MockResponse.Builder().code(200).build()
                            : new MockResponse.Builder().code(401).setHeader("WWW-Authenticate", "Basic realm=\"orders\"").build();
                }
            });
            challenging.start(InetAddress.getByName("127.0.0.1"), 0);
            HttpClient client = HttpClient.newBuilder().authenticator(new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication("service", "secret".toCharArray());
                }
            }).build();
            URI uri = URI.create("http://localhost:" + challenging.getPort() + "/orders");
            String alice = Tokens.valid("alice");
            CurrentToken.with(alice, () -> client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(List.of("Bearer " + alice), challenging.takeRequest(10, TimeUnit.SECONDS).getHeaders().values("Authorization"));
            challenging.takeRequest(10, TimeUnit.SECONDS);

            long propagated = counter("propagated");
            long alreadySet = counter("skipped.already_set");
            CurrentToken.with(Tokens.valid("bob"), () -> client.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            List<String> sent = challenging.takeRequest(10, TimeUnit.SECONDS).getHeaders().values("Authorization");
            assertEquals(1, sent.size());
            assertEquals(true, sent.get(0).startsWith("Basic "), "the kept credentials went alone");
            assertEquals(0L, counter("propagated") - propagated, "the token did not go");
            assertEquals(1L, counter("skipped.already_set") - alreadySet, "the header was set, by the client's kept credentials");
        }
    }

    private long counter(String name) throws Exception {
        return (Long) beans.getAttribute(new ObjectName("jwt.agent:type=Metrics"), name);
    }
}
