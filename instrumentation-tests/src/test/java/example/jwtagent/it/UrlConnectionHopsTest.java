package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.OutputStream;
import java.net.CookieHandler;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** Once a hop was refused, no later hop gets the token, even back on an allowed host. */
    @Test
    void aRedirectBackToAnAllowedHostAfterARefusedOneCarriesNoToken() throws Exception {
        try (Downstream third = new Downstream();
             Downstream second = new Downstream(third.allowedUrl("/third"));
             Downstream first = new Downstream(second.notAllowedUrl("/second"))) {
            String bearer = "Bearer " + Tokens.valid("alice");
            assertEquals(List.of(List.of(bearer), List.of()), hops("url-connection", first, second, bearer, null));
            assertEquals(List.of(), third.takeAuthorization(), "the allowed host after the refused one");
        }
    }

    /**
     * Over HTTPS the JDK writes through its HTTPS connection and client classes, which inherit the
     * methods the agent rewrites: the allowed host gets the token, a redirect to another allowed
     * destination gets it again (the JDK drops {@code Authorization} there, and the agent adds it
     * back), and a redirect to a host that is not allowed does not.
     */
    @Test
    void overHttpsTheAllowedHostsGetTheTokenAndARedirectElsewhereDoesNot() throws Exception {
        try (Downstream target = Downstream.https(null);
             Downstream toAllowed = Downstream.https(target.allowedUrl("/landing"));
             Downstream toNotAllowed = Downstream.https(target.notAllowedUrl("/landing"))) {
            String bearer = "Bearer " + Tokens.valid("alice");
            assertEquals(List.of(List.of(bearer), List.of(bearer)), hops("url-connection-https", toAllowed, target, bearer, null));
            assertEquals(List.of(List.of(bearer), List.of()), hops("url-connection-https", toNotAllowed, target, bearer, null));
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
     * Code of the application's runs inside the JDK's write of a request (here its cookie handler,
     * asked as the redirected hop of a POST is written as a GET) and makes a call of its own there,
     * with no token current, as a task handed over without one and run inline would. That call goes
     * to a host that is not allowed and gets nothing of the outer call's; before, it got the outer
     * call's header. The outer call's hops get the token as always.
     */
    @Test
    void aCallWithoutATokenMadeInsideAnotherCallsWriteGetsNothingOfIt() throws Exception {
        CookieHandler saved = CookieHandler.getDefault();
        try (Downstream target = new Downstream();
             Downstream redirector = new Downstream(target.allowedUrl("/landing"));
             Downstream elsewhere = new Downstream()) {
            AtomicBoolean called = new AtomicBoolean();
            CookieHandler.setDefault(new CookieHandler() {
                @Override
                public Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) throws IOException {
                    // Asked more than once per hop; the call is made from the ask inside the JDK's write.
                    boolean inTheWrite = Arrays.stream(new Throwable().getStackTrace())
                            .anyMatch(frame -> frame.getMethodName().equals("writeRequests"));
                    if (uri.getPath().equals("/landing") && inTheWrite && called.compareAndSet(false, true)) {
                        try {
                            CurrentToken.with(null, () -> DownstreamClients.urlConnection(elsewhere.notAllowedUrl("/inner"), null));
                        } catch (Exception e) {
                            throw new IOException("the inner call failed", e);
                        }
                    }
                    return Map.of();
                }

                @Override
                public void put(URI uri, Map<String, List<String>> headers) {
                }
            });
            String token = Tokens.valid("alice");
            int status = CurrentToken.with(token, () -> {
                HttpURLConnection post = (HttpURLConnection) new URL(redirector.allowedUrl("/start")).openConnection();
                post.setRequestMethod("POST");
                post.setDoOutput(true);
                try (OutputStream body = post.getOutputStream()) {
                    body.write("{}".getBytes(StandardCharsets.UTF_8));
                }
                int code = post.getResponseCode();
                post.getInputStream().readAllBytes();
                return code;
            });
            assertEquals(200, status);
            assertTrue(called.get(), "the cookie handler made its call inside the JDK's write");
            assertEquals(List.of("Bearer " + token), redirector.takeAuthorization(), "the outer call's first hop");
            assertEquals(List.of(), elsewhere.takeAuthorization(), "the inner call, to a host that is not allowed");
            assertEquals(List.of("Bearer " + token), target.takeAuthorization(), "the outer call's redirected hop");
        } finally {
            CookieHandler.setDefault(saved);
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
