package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SPEC section 4 for one set of HTTP clients (by their {@link DownstreamClients} names): a servlet
 * service (Tomcat 11, here or in a child JVM) receives a request with or without a valid token and
 * calls a MockWebServer through the client. The agent allows only {@code localhost}; the same
 * downstream server reached as {@code 127.0.0.1} is a host that is not allowed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClientContractTest {
    private TestServer service;
    private Downstream downstream;
    private Downstream redirectTarget;
    private Downstream redirector;

    /** Starts the service that relays to downstream. */
    abstract TestServer startService() throws Exception;

    /** The client names under test. */
    abstract List<String> clients();

    @BeforeAll
    void start() throws Exception {
        service = startService();
        downstream = new Downstream();
        // Kept for the whole class: closing a MockWebServer that clients still hold pooled connections to takes seconds.
        redirectTarget = new Downstream();
        redirector = new Downstream(redirectTarget.notAllowedUrl("/landing"));
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        downstream.close();
        redirector.close();
        redirectTarget.close();
    }

    static TestServer childService(ChildJvm child) {
        return new TestServer() {
            @Override
            public String baseUrl() {
                return child.baseUrl();
            }

            @Override
            public void close() {
                child.close();
            }
        };
    }

    static RawHttp.Response call(TestServer service, String client, String url, String token, String applicationAuthorization)
            throws Exception {
        String path = "/call?client=" + client + "&url=" + encode(url)
                + (applicationAuthorization == null ? "" : "&auth=" + encode(applicationAuthorization));
        RawHttp.Response response = token == null ? RawHttp.get(service.baseUrl(), path)
                : RawHttp.get(service.baseUrl(), path, RawHttp.bearer(token));
        assertEquals(200, response.status, response.toString());
        assertEquals("200", response.field("downstream"), response.toString());
        return response;
    }

    private RawHttp.Response call(String client, String url, String token, String applicationAuthorization) throws Exception {
        return call(service, client, url, token, applicationAuthorization);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @MethodSource("clients")
    void verifiedTokenArrivesAtAnAllowedHost(String client) throws Exception {
        String token = Tokens.valid("alice");
        call(client, downstream.allowedUrl("/orders"), token, null);
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
    }

    @ParameterizedTest
    @MethodSource("clients")
    void hostThatIsNotAllowedReceivesNoToken(String client) throws Exception {
        call(client, downstream.notAllowedUrl("/orders"), Tokens.valid("alice"), null);
        assertEquals(Collections.emptyList(), downstream.takeAuthorization());
    }

    @ParameterizedTest
    @MethodSource("clients")
    void authorizationSetByTheApplicationIsKept(String client) throws Exception {
        call(client, downstream.allowedUrl("/orders"), Tokens.valid("alice"), "Bearer application-own");
        assertEquals(List.of("Bearer application-own"), downstream.takeAuthorization());
    }

    @ParameterizedTest
    @MethodSource("clients")
    void redirectToAHostThatIsNotAllowedCarriesNoToken(String client) throws Exception {
        String token = Tokens.valid("alice");
        call(client, redirector.allowedUrl("/start"), token, null);
        assertEquals(List.of("Bearer " + token), redirector.takeAuthorization(), "the allowed first hop gets the token");
        assertEquals(Collections.emptyList(), redirectTarget.takeAuthorization(), "the redirect target must not");
    }

    @ParameterizedTest
    @MethodSource("clients")
    void eachCallCarriesOnlyItsOwnRequestsToken(String client) throws Exception {
        for (int i = 0; i < 3; i++) {
            String token = Tokens.valid("user" + i);
            call(client, downstream.allowedUrl("/with"), token, null);
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), "request " + i + " with a token");
            call(client, downstream.allowedUrl("/without"), null, null);
            assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "request " + i + " without a token");
        }
    }
}
