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
            String token = Tokens.valid("alice");
            ClientContractTest.call(service, "url-connection", redirector.allowedUrl("/start"), token, null);
            assertEquals(List.of("Bearer " + token), redirector.takeAuthorization(), "the first hop");
            assertEquals(List.of("Bearer " + token), target.takeAuthorization(), "the redirect target, allowed too");
        }
    }

    @Test
    void aRedirectToAHostThatIsNotAllowedCarriesNoToken() throws Exception {
        try (Downstream target = new Downstream();
             Downstream redirector = new Downstream(target.notAllowedUrl("/landing"))) {
            String token = Tokens.valid("alice");
            ClientContractTest.call(service, "url-connection", redirector.allowedUrl("/start"), token, null);
            assertEquals(List.of("Bearer " + token), redirector.takeAuthorization(), "the first hop");
            assertEquals(List.of(), target.takeAuthorization(), "the redirect target");
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
            ClientContractTest.call(service, "url-connection-https", redirector.allowedUrl("/start"), token, null);
            assertEquals(List.of("Bearer " + token), redirector.takeAuthorization(), "the first hop");
            assertEquals(List.of(), target.takeAuthorization(), "the redirect target under a name that is not allowed");
        }
    }

    /** A 305 sends the same request through the proxy the answer names: never with the token. */
    @Test
    void useProxyAnswerNeverSendsTheTokenThroughTheProxyItNames() throws Exception {
        try (Downstream proxy = new Downstream();
             Downstream useProxy = new Downstream(proxy.allowedUrl("/"), 305)) {
            String token = Tokens.valid("alice");
            ClientContractTest.call(service, "url-connection", useProxy.allowedUrl("/start"), token, null);
            assertEquals(List.of("Bearer " + token), useProxy.takeAuthorization(), "the first hop");
            assertEquals(List.of(), proxy.takeAuthorization(), "the proxy the answer names");
        }
    }

    /** The application's own {@code Authorization} goes on the first hop; the token goes on none. */
    @Test
    void theApplicationsOwnHeaderIsNeverJoinedOrReplacedByTheToken() throws Exception {
        try (Downstream target = new Downstream();
             Downstream redirector = new Downstream(target.allowedUrl("/landing"))) {
            String token = Tokens.valid("alice");
            ClientContractTest.call(service, "url-connection", redirector.allowedUrl("/start"), token, "Bearer application-own");
            assertEquals(List.of("Bearer application-own"), redirector.takeAuthorization(), "the first hop");
            // Whether the JDK forwards the application's header to another destination depends on its
            // version; the token is never added in its place.
            List<String> redirected = target.takeAuthorization();
            assertFalse(redirected.contains("Bearer " + token), "the redirect target: " + redirected);
        }
    }
}
