package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A call to a host that is not allowed, which redirects it to an allowed one: the host that may not
 * see the token chooses where the call goes next, the path and query included, so no hop of that
 * call takes the token (before, OkHttp and the classic Apache clients, which decided each hop for
 * its own host, sent it to the allowed host the redirect named; {@code HttpURLConnection} already
 * did not). Every client the contract tests run, from Tomcat 11 in child JVMs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedirectFromAHostNotAllowedTest {
    private final RelayServices services = new RelayServices(child -> { });
    private Downstream redirectTarget;
    private Downstream redirector;

    @BeforeAll
    void start() throws Exception {
        redirectTarget = new Downstream();
        redirector = new Downstream(redirectTarget.allowedUrl("/admin/delete?user=alice"));
    }

    @AfterAll
    void stop() throws Exception {
        services.close();
        redirector.close();
        redirectTarget.close();
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> clients() {
        return CustomHeaderRedirectTest.clients();
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("clients")
    void noHopOfACallToAHostThatIsNotAllowedCarriesTheToken(String libraries, String client) throws Exception {
        String token = Tokens.valid("alice");
        ClientContractTest.call(services.of(libraries), client, redirector.notAllowedUrl("/start"), token, null);
        RecordedRequest first = redirector.take();
        assertNull(first.getHeaders().get("Authorization"), "the first hop's host is not allowed");
        RecordedRequest redirected = redirectTarget.take();
        assertNull(redirected.getHeaders().get("Authorization"),
                "the allowed host a redirect from a host that is not allowed names must not get the token: " + redirected.getTarget());
    }
}
