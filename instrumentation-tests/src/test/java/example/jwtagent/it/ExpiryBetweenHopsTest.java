package example.jwtagent.it;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC section 4, "it has not expired": a token valid when a call's first request is sent, and
 * expired by the time the client sends the call's next request (a 307 to the same allowed host, or
 * the answer to a 401 challenge), is on the first request only. With {@code Authorization} and with
 * a header of the service's own, which clients keep on such follow-ups.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpiryBetweenHopsTest {
    private static final String CUSTOM = "X-Forwarded-Token";
    private static final int SLOW_MILLIS = 3500;

    private final RelayServices authorization = new RelayServices(child -> { });
    private final RelayServices custom = new RelayServices(child -> child.agentSetting("outbound.header", CUSTOM));
    private MockWebServer downstream;

    @BeforeAll
    void start() throws Exception {
        downstream = new MockWebServer();
        downstream.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String target = request.getTarget();
                if (target.startsWith("/redirect")) {
                    return new MockResponse.Builder().code(307).setHeader("Location", "/landing")
                            .headersDelay(SLOW_MILLIS, TimeUnit.MILLISECONDS).build();
                }
                if (target.startsWith("/challenge")
                        && !request.getHeaders().values("Authorization").contains(ChallengeAnsweringClients.BASIC)) {
                    return new MockResponse.Builder().code(401).setHeader("WWW-Authenticate", "Basic realm=\"downstream\"")
                            .body("credentials needed").headersDelay(SLOW_MILLIS, TimeUnit.MILLISECONDS).build();
                }
                return new MockResponse.Builder().code(200).body("ok").build();
            }
        });
        downstream.start(InetAddress.getByName("127.0.0.1"), 0);
        // Started before any token is made: a child JVM takes longer to start than the tokens here live.
        authorization.of(RelayServices.MODULE);
        custom.of(RelayServices.MODULE);
    }

    @AfterAll
    void stop() throws Exception {
        authorization.close();
        custom.close();
        downstream.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String header : List.of("Authorization", CUSTOM)) {
            for (String client : List.of("url-connection", "apache4", "apache5", "okhttp", "okhttp-async", "rest-client-simple",
                    "rest-client-apache5", "rest-client-okhttp")) {
                all.add(Arguments.of(header, "/redirect", client));
            }
            for (String client : List.of("url-connection-answering-challenge", "jdk-send-answering-challenge", "apache4-answering-challenge",
                    "apache4-async-answering-challenge", "apache5-answering-challenge", "apache5-async-answering-challenge",
                    "okhttp-answering-challenge")) {
                all.add(Arguments.of(header, "/challenge", client));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("cases")
    void theTokenThatExpiredBeforeTheFollowUpIsNotOnIt(String header, String path, String client) throws Exception {
        RelayServices services = header.equals("Authorization") ? authorization : custom;
        // The client's first use in the child (its classes loaded, its client built) before the token is made.
        ClientContractTest.call(services.of(RelayServices.MODULE), client, "http://localhost:" + downstream.getPort() + "/warm", null, null);
        while (downstream.takeRequest(300, TimeUnit.MILLISECONDS) != null) {
            // what the warm-up sent
        }
        String token = Tokens.signed("alice", b -> b.withExpiresAt(Instant.now().plusSeconds(2)));
        String value = header.equals("Authorization") ? "Bearer " + token : token;
        ClientContractTest.call(services.of(RelayServices.MODULE), client, "http://localhost:" + downstream.getPort() + path, token, null);
        RecordedRequest first = downstream.takeRequest(10, TimeUnit.SECONDS);
        RecordedRequest second = downstream.takeRequest(10, TimeUnit.SECONDS);
        assertTrue(first.getHeaders().values(header).contains(value), "the first request, sent before the token expired: " + first.getHeaders());
        assertFalse(second.getHeaders().values(header).contains(value), "the follow-up, sent after it expired: " + second.getHeaders());
        RecordedRequest more = downstream.takeRequest(300, TimeUnit.MILLISECONDS);
        while (more != null) {
            assertFalse(more.getHeaders().values(header).contains(value), "a later request: " + more.getHeaders());
            more = downstream.takeRequest(300, TimeUnit.MILLISECONDS);
        }
    }
}
