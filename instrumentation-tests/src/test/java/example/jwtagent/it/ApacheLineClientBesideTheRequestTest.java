package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ClientBesideTheRequestTest}'s credentials cases on one line of Apache HttpClient 5, classic
 * and async, in a child JVM with that line's class path set (this module's class path has 5.6).
 * Lines differ in where the async client runs its request interceptors and preemptive credentials:
 * 5.1 on the calling thread before the connect step, later lines its interceptors on an I/O thread
 * just before sending. Every order must keep the client's own header.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApacheLineClientBesideTheRequestTest {
    private TestServer service;
    private Downstream downstream;

    /** The child class path set ({@link ChildJvm#libs}) that holds the line. */
    abstract String libs();

    @BeforeAll
    void start() throws Exception {
        service = ClientContractTest.childService(ChildJvm.main(RelayChild.class).classPath(ChildJvm.libsAndTestClasses(libs())).start());
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
