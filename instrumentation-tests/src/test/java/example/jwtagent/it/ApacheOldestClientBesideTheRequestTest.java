package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ClientBesideTheRequestTest}'s credentials cases on Apache HttpClient 5.1, classic and
 * async, in a child JVM (this module's class path has 5.6). 5.1 runs the async client's request
 * interceptors and preemptive credentials on the calling thread, 5.4 and later its interceptors
 * on an I/O thread just before sending: both orders must keep the client's own header.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApacheOldestClientBesideTheRequestTest {
    private TestServer service;
    private Downstream downstream;

    @BeforeAll
    void start() throws Exception {
        List<Path> classPath = new ArrayList<>(ChildJvm.libs("apache-oldest"));
        classPath.add(ChildJvm.testClasses());
        service = ClientContractTest.childService(ChildJvm.main(RelayChild.class).classPath(classPath).start());
        downstream = new Downstream();
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        downstream.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"apache5-default-authorization", "apache5-async-default-authorization", "apache5-async-preemptive-credentials"})
    void theClientsOwnAuthorizationIsKeptAndNotJoinedOrReplacedByTheToken(String client) throws Exception {
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), Tokens.valid("alice"), null);
        assertEquals(List.of(ApacheClients.SERVICE_CREDENTIALS), downstream.takeAuthorization());
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), null, null);
        assertEquals(List.of(ApacheClients.SERVICE_CREDENTIALS), downstream.takeAuthorization());
        // The default client of the same version, without credentials of its own, still carries the token.
        String token = Tokens.valid("alice");
        ClientContractTest.call(service, "apache5-async", downstream.allowedUrl("/orders"), token, null);
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
    }
}
