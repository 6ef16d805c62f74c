package example.jwtagent.it;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Reactor Netty hands an application's redirect hook ({@code followRedirect(boolean, BiConsumer)})
 * the headers the previous hop was sent with, so that it can carry its own headers over to the
 * redirect: among them the token the agent added. Copied onto a redirect to a host that is not
 * allowed (this JVM allows {@code localhost}, not {@code 127.0.0.1}), the token must not go there.
 */
class ReactorNettyRedirectHeadersTest {
    @Test
    void aRedirectHookThatCopiesThePreviousHeadersNeverTakesTheTokenToAHostThatIsNotAllowed() throws Exception {
        try (Downstream target = new Downstream(); Downstream redirector = new Downstream(target.notAllowedUrl("/landing"))) {
            HttpClient client = copyingAuthorizationOnRedirects();
            String token = Tokens.valid("alice");
            CurrentToken.with(token, () -> client.get().uri(redirector.allowedUrl("/start")).responseContent().aggregate().asString().block());
            assertEquals("Bearer " + token, redirector.take().getHeaders().get("Authorization"), "the allowed first hop gets the token");
            assertNull(target.take().getHeaders().get("Authorization"), "the redirect to 127.0.0.1 must not carry it");
        }
    }

    @Test
    void aRedirectHookThatCopiesTheApplicationsOwnHeaderKeepsIt() throws Exception {
        // The application's own Authorization is its business: copied by its hook, it goes.
        try (Downstream target = new Downstream(); Downstream redirector = new Downstream(target.notAllowedUrl("/landing"))) {
            HttpClient client = copyingAuthorizationOnRedirects();
            CurrentToken.with(Tokens.valid("alice"), () -> client.post().uri(redirector.allowedUrl("/start"))
                    .send((request, out) -> {
                        request.header(HttpHeaderNames.AUTHORIZATION, "Basic b3duOmNyZWRz");
                        return out;
                    })
                    .responseContent().aggregate().asString().block());
            assertEquals("Basic b3duOmNyZWRz", redirector.take().getHeaders().get("Authorization"));
            assertEquals("Basic b3duOmNyZWRz", target.take().getHeaders().get("Authorization"));
        }
    }

    /** A client whose redirect hook copies the previous hop's Authorization, as Reactor Netty's documentation shows for headers. */
    private static HttpClient copyingAuthorizationOnRedirects() {
        return HttpClient.create().followRedirect(true, (previous, redirect) -> {
            String authorization = previous.get(HttpHeaderNames.AUTHORIZATION);
            if (authorization != null) {
                redirect.header(HttpHeaderNames.AUTHORIZATION, authorization);
            }
        });
    }
}
