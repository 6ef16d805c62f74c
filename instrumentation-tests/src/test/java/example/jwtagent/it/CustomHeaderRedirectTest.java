package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A redirect to a host that is not allowed, with {@code outbound.header} set to a header of the
 * service's own: clients drop {@code Authorization} on such a redirect themselves, but not a
 * header they know nothing of, so the agent must not leave its header to them. Every client the
 * contract tests run, from Tomcat 11 in child JVMs (OkHttp 3 and 4, Jetty 12's client and the
 * oldest Apache lines each with their own class path).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomHeaderRedirectTest {
    private static final String HEADER = "X-Forwarded-Token";
    private static final String MODULE = RelayServices.MODULE;

    private final RelayServices services = new RelayServices(child -> child.agentSetting("outbound.header", HEADER));
    private TestServer service;
    private Downstream redirectTarget;
    private Downstream redirector;

    @BeforeAll
    void start() throws Exception {
        service = services.of(MODULE);
        redirectTarget = new Downstream();
        redirector = new Downstream(redirectTarget.notAllowedUrl("/landing"));
    }

    @AfterAll
    void stop() throws Exception {
        services.close();
        redirector.close();
        redirectTarget.close();
    }

    /** Every client the contract tests run, each from a child JVM with its class path. */
    static Stream<Arguments> clients() {
        List<Arguments> all = new ArrayList<>();
        List<String> onThisClassPath = new ArrayList<>(List.of("url-connection", "jdk-send", "jdk-async"));
        onThisClassPath.addAll(new HttpClientsContractTest().clients());
        for (String client : onThisClassPath) {
            all.add(Arguments.of(MODULE, client));
        }
        for (String libraries : List.of("okhttp3", "okhttp4")) {
            all.add(Arguments.of(libraries, "okhttp"));
            all.add(Arguments.of(libraries, "okhttp-async"));
        }
        all.add(Arguments.of("jetty12", "jetty12"));
        all.add(Arguments.of("jetty12", "jetty12-async"));
        for (String client : new ApacheOldestContractTest().clients()) {
            all.add(Arguments.of("apache-oldest", client));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("clients")
    void redirectToAHostThatIsNotAllowedCarriesNoCustomHeader(String libraries, String client) throws Exception {
        String token = Tokens.valid("alice");
        ClientContractTest.call(services.of(libraries), client, redirector.allowedUrl("/start"), token, null);
        RecordedRequest first = redirector.take();
        assertEquals(token, first.getHeaders().get(HEADER), "the allowed first hop gets the token");
        RecordedRequest redirected = redirectTarget.take();
        assertNull(redirected.getHeaders().get(HEADER), "the redirect target must not get it");
    }

    @Test
    void useProxyAnswerNeverSendsTheTokenThroughTheProxyItNames() throws Exception {
        // HttpURLConnection follows a 305 by sending the same request, every header kept, through the
        // proxy in Location: here even an allowed host, which is no reason to trust it as a proxy.
        try (Downstream proxy = new Downstream();
             Downstream useProxy = new Downstream(proxy.allowedUrl("/"), 305)) {
            String token = Tokens.valid("alice");
            ClientContractTest.call(service, "url-connection", useProxy.allowedUrl("/start"), token, null);
            assertEquals(token, useProxy.take().getHeaders().get(HEADER), "the first hop gets the token");
            RecordedRequest proxied = proxy.take();
            assertNull(proxied.getHeaders().get(HEADER), "the proxy must not get it: " + proxied.getTarget());
        }
    }
}
