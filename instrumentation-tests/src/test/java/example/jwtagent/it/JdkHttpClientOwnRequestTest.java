package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The JDK {@code HttpClient} copies a request of the application's own {@link HttpRequest} class
 * once, as it sends it, and sends that copy. The token is decided for that copy: a request that
 * names another host each time it is asked, as one that picks an instance per call does, never
 * has the token go to a host it was not decided for. Before, the agent asked the application's
 * request again, and the token went to the host not allowed that the copy named.
 */
class JdkHttpClientOwnRequestTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @Test
    void aRequestThatNamesAnAllowedHostOnlyWhenAskedAgainSendsNoTokenToTheHostItGoesTo() throws Exception {
        try (Downstream downstream = new Downstream()) {
            HttpRequest rotating = new Rotating(List.of(URI.create(downstream.notAllowedUrl("/orders")),
                    URI.create(downstream.allowedUrl("/orders"))));
            CurrentToken.with(Tokens.valid("alice"), () -> CLIENT.send(rotating, HttpResponse.BodyHandlers.discarding()).statusCode());
            RecordedRequest arrived = downstream.take();
            assertEquals("127.0.0.1:" + arrived.getUrl().port(), arrived.getHeaders().get("Host"), "the request went to the host not allowed");
            assertEquals(List.of(), arrived.getHeaders().values("Authorization"));
        }
    }

    @Test
    void anOrdinaryRequestOfTheApplicationsOwnClassCarriesTheToken() throws Exception {
        String alice = Tokens.valid("alice");
        try (Downstream downstream = new Downstream()) {
            HttpRequest own = new Rotating(List.of(URI.create(downstream.allowedUrl("/orders"))));
            CurrentToken.with(alice, () -> CLIENT.send(own, HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
        }
    }

    /**
     * The application's own request: each call of {@code uri()} gives the next of its URIs (the
     * last one from then on).
     */
    private static final class Rotating extends HttpRequest {
        private final List<URI> uris;
        private int uriCalls;

        Rotating(List<URI> uris) {
            this.uris = uris;
        }

        @Override
        public synchronized URI uri() {
            return uris.get(Math.min(uriCalls++, uris.size() - 1));
        }

        @Override
        public HttpHeaders headers() {
            return HttpHeaders.of(Map.of(), (name, value) -> true);
        }

        @Override
        public Optional<BodyPublisher> bodyPublisher() {
            return Optional.empty();
        }

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public Optional<Duration> timeout() {
            return Optional.empty();
        }

        @Override
        public boolean expectContinue() {
            return false;
        }

        @Override
        public Optional<HttpClient.Version> version() {
            return Optional.of(HttpClient.Version.HTTP_1_1);
        }
    }
}
