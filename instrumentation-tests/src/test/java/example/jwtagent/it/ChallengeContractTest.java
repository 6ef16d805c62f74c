package example.jwtagent.it;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A client configured to answer a server's Basic challenge with credentials of its own
 * ({@link ChallengeAnsweringClients}) calls an allowed downstream that challenges every request
 * without those credentials. The first request carries the token (the client has sent no
 * credentials yet); the retry that answers the challenge carries the client's credentials alone,
 * never beside the token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ChallengeContractTest {
    private MockWebServer downstream;
    private TestServer service;

    abstract TestServer startService() throws Exception;

    /** The client names under test, from {@link DownstreamClients}. */
    abstract List<String> clients();

    @BeforeAll
    void start() throws Exception {
        downstream = challengingDownstream();
        service = startService();
    }

    /**
     * A downstream service on {@code 127.0.0.1} that answers 200 to a request carrying the
     * service's Basic credentials ({@link ChallengeAnsweringClients#BASIC}) alone, and a Basic
     * challenge to any other.
     */
    static MockWebServer challengingDownstream() throws java.io.IOException {
        MockWebServer server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (List.of(ChallengeAnsweringClients.BASIC).equals(request.getHeaders().values("Authorization"))) {
                    return new MockResponse.Builder().code(200).body("ok").build();
                }
                return new MockResponse.Builder().code(401).setHeader("WWW-Authenticate", "Basic realm=\"downstream\"")
                        .body("credentials needed").build();
            }
        });
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        return server;
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        downstream.close();
    }

    /** Calls through {@code client} with {@code token}; answers the Authorization values of each request that arrived. */
    List<List<String>> call(String client, String token) throws Exception {
        RawHttp.Response response = ClientContractTest.call(service, client, "http://localhost:" + downstream.getPort() + "/orders", token, null);
        assertEquals("200", response.field("downstream"), response.toString());
        List<List<String>> arrived = new ArrayList<>();
        RecordedRequest request = downstream.takeRequest(10, TimeUnit.SECONDS);
        while (request != null) {
            arrived.add(request.getHeaders().values("Authorization"));
            request = downstream.takeRequest(300, TimeUnit.MILLISECONDS);
        }
        return arrived;
    }

    @ParameterizedTest
    @MethodSource("clients")
    void challengeIsAnsweredWithTheClientsCredentialsAlone(String client) throws Exception {
        String token = Tokens.valid("alice");
        assertEquals(List.of(List.of("Bearer " + token), List.of(ChallengeAnsweringClients.BASIC)), call(client, token));
    }
}
