package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A redirect to a host that is not allowed, with {@code outbound.header} set to a header of the
 * service's own: clients drop {@code Authorization} on such a redirect themselves, but not a
 * header they know nothing of, so the agent must not leave its header to them. Every client on
 * this module's class path, from Tomcat 11 in a child JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CustomHeaderRedirectTest {
    private static final String HEADER = "X-Forwarded-Token";

    private TestServer service;
    private Downstream redirectTarget;
    private Downstream redirector;

    @BeforeAll
    void start() throws Exception {
        service = ClientContractTest.childService(ChildJvm.main(RelayChild.class).agentSetting("outbound.header", HEADER).start());
        redirectTarget = new Downstream();
        redirector = new Downstream(redirectTarget.notAllowedUrl("/landing"));
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        redirector.close();
        redirectTarget.close();
    }

    static Stream<String> clients() {
        List<String> all = new ArrayList<>(List.of("url-connection", "jdk-send", "jdk-async"));
        all.addAll(new HttpClientsContractTest().clients());
        return all.stream();
    }

    @ParameterizedTest
    @MethodSource("clients")
    void redirectToAHostThatIsNotAllowedCarriesNoCustomHeader(String client) throws Exception {
        String token = Tokens.valid("alice");
        ClientContractTest.call(service, client, redirector.allowedUrl("/start"), token, null);
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
