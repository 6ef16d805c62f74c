package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The hops of one {@code HttpURLConnection} call with the token's header {@code Authorization}:
 * the agent decides as the JDK writes each request, so every hop the JDK follows is decided for
 * where it goes. Tomcat 11 in this JVM, the downstreams on {@code localhost} (allowed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UrlConnectionHopsTest {
    private TestServer service;

    @BeforeAll
    void start() throws Exception {
        service = new TomcatJakartaServer(2);
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
    }

    /** Another port is another destination, for which the JDK drops {@code Authorization}: the agent decides it again. */
    @Test
    void aRedirectToAnotherAllowedDestinationGetsTheToken() throws Exception {
        try (Downstream target = new Downstream();
             Downstream redirector = new Downstream(target.allowedUrl("/landing"))) {
            String bearer = "Bearer " + Tokens.valid("alice");
            assertEquals(List.of(List.of(bearer), List.of(bearer)), hops("url-connection", redirector, target, bearer, null));
        }
    }

    @Test
    void aRedirectToAHostThatIsNotAllowedCarriesNoToken() throws Exception {
        try (Downstream target = new Downstream();
             Downstream redirector = new Downstream(target.notAllowedUrl("/landing"))) {
            String bearer = "Bearer " + Tokens.valid("alice");
            assertEquals(List.of(List.of(bearer), List.of()), hops("url-connection", redirector, target, bearer, null));
        }
    }

    /**
     * Over HTTPS the JDK writes through its HTTPS connection and client classes, which inherit the
     * methods the agent rewrites: the allowed host gets the token, and a redirect to a host that is
     * not allowed does not.
     */
    @Test
    void overHttpsTheAllowedHostGetsTheTokenAndARedirectElsewhereDoesNot() throws Exception {
        try (Downstream target = Downstream.https(null);
             Downstream redirector = Downstream.https(target.notAllowedUrl("/landing"))) {
            String token = Tokens.valid("alice");
            assertEquals("200", ClientContractTest.call(service, "url-connection-https", target.allowedUrl("/orders"), token, null)
                    .field("downstream"));
            assertEquals(List.of("Bearer " + token), target.takeAuthorization(), "the allowed host, over HTTPS");
            assertEquals(List.of(List.of("Bearer " + token), List.of()), hops("url-connection-https", redirector, target, "Bearer " + token, null));
        }
    }

    /** A 305 sends the same request through the proxy the answer names: never with the token. */
    @Test
    void useProxyAnswerNeverSendsTheTokenThroughTheProxyItNames() throws Exception {
        try (Downstream proxy = new Downstream();
             Downstream useProxy = new Downstream(proxy.allowedUrl("/"), 305)) {
            String bearer = "Bearer " + Tokens.valid("alice");
            assertEquals(List.of(List.of(bearer), List.of()), hops("url-connection", useProxy, proxy, bearer, null));
        }
    }

    /** The application's own {@code Authorization} goes on the first hop; the token goes on none. */
    @Test
    void theApplicationsOwnHeaderIsNeverJoinedOrReplacedByTheToken() throws Exception {
        try (Downstream target = new Downstream();
             Downstream redirector = new Downstream(target.allowedUrl("/landing"))) {
            String bearer = "Bearer " + Tokens.valid("alice");
            List<List<String>> hops = hops("url-connection", redirector, target, bearer, "Bearer application-own");
            assertEquals(List.of("Bearer application-own"), hops.get(0), "the first hop");
            // Whether the JDK forwards the application's header to another destination depends on its
            // version; the token is never added in its place.
            assertFalse(hops.get(1).contains(bearer), "the redirect target: " + hops.get(1));
        }
    }

    /**
     * Calls {@code first} through {@code client} with the token of {@code bearer} (and the
     * application's own {@code Authorization} when not null); answers the {@code Authorization}
     * values that arrived at {@code first} and then at {@code then}, where {@code first} sent it.
     */
    private List<List<String>> hops(String client, Downstream first, Downstream then, String bearer, String applicationAuthorization)
            throws Exception {
        ClientContractTest.call(service, client, first.allowedUrl("/start"), bearer.substring("Bearer ".length()), applicationAuthorization);
        return List.of(first.takeAuthorization(), then.takeAuthorization());
    }
}
