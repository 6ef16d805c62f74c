package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Redirect chains through the clients that decide every hop (HttpURLConnection, OkHttp, classic
 * Apache 4 and 5): an allowed host redirecting to another allowed one sends the token on both hops;
 * a chain allowed, not allowed, allowed sends it on the first hop only, as the host that may not see
 * the token chose the last hop, path and query included.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedirectThroughAHostNotAllowedTest {
    private static final String MODULE = "";

    private final Map<String, TestServer> services = new HashMap<>();

    @AfterAll
    void stop() throws Exception {
        for (TestServer each : services.values()) {
            each.close();
        }
    }

    private TestServer service(String libraries) throws Exception {
        TestServer started = services.get(libraries);
        if (started == null) {
            ChildJvm.Builder child = ChildJvm.main(RelayChild.class);
            if (!libraries.equals(MODULE)) {
                child.classPath(ChildJvm.libsAndTestClasses(libraries));
            }
            started = ClientContractTest.childService(child.start());
            services.put(libraries, started);
        }
        return started;
    }

    static Stream<Arguments> clients() {
        return Stream.of(Arguments.of(MODULE, "url-connection"), Arguments.of(MODULE, "okhttp"), Arguments.of(MODULE, "okhttp-async"),
                Arguments.of(MODULE, "apache4"), Arguments.of(MODULE, "apache5"),
                Arguments.of("apache-oldest", "apache4"), Arguments.of("apache-oldest", "apache5"), Arguments.of("okhttp3", "okhttp"));
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("clients")
    void aRedirectBetweenAllowedHostsCarriesTheTokenOnBothHops(String libraries, String client) throws Exception {
        String token = Tokens.valid("alice");
        try (Downstream target = new Downstream(); Downstream first = new Downstream(target.allowedUrl("/next"))) {
            ClientContractTest.call(service(libraries), client, first.allowedUrl("/start"), token, null);
            assertEquals(List.of("Bearer " + token), first.takeAuthorization(), "the allowed first hop");
            assertEquals(List.of("Bearer " + token), target.takeAuthorization(), "the allowed host an allowed host redirects to");
        }
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("clients")
    void aHostThatIsNotAllowedInTheMiddleOfAChainChoosesNoHopThatTakesTheToken(String libraries, String client) throws Exception {
        String token = Tokens.valid("alice");
        try (Downstream target = new Downstream();
             Downstream middle = new Downstream(target.allowedUrl("/admin/delete?user=alice"));
             Downstream first = new Downstream(middle.notAllowedUrl("/bounce"))) {
            ClientContractTest.call(service(libraries), client, first.allowedUrl("/start"), token, null);
            assertEquals(List.of("Bearer " + token), first.takeAuthorization(), "the allowed first hop");
            assertNull(middle.take().getHeaders().get("Authorization"), "the host that is not allowed");
            RecordedRequest last = target.take();
            assertNull(last.getHeaders().get("Authorization"),
                    "a hop a host that is not allowed chose must not carry the token: " + last.getTarget());
        }
    }
}
