package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Jetty 12's {@code HttpClient} with Basic credentials in its authentication store for the
 * destination (kept there after a challenge was answered, or put there to be sent preemptively):
 * the client adds them when it sends, after the agent has decided, so the agent counts them as a
 * header already set. In a child JVM, as {@link JettyClient12ContractTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JettyClient12StoredCredentialsTest {
    private TestServer service;
    private Downstream downstream;

    @BeforeAll
    void start() throws Exception {
        service = ClientContractTest.childService(ChildJvm.main(RelayChild.class).classPath(JettyClient12ContractTest.classPath()).start());
        downstream = new Downstream();
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        downstream.close();
    }

    @Test
    void storedCredentialsAreSentAloneAndTheTokenWhereThereAreNone() throws Exception {
        ClientContractTest.call(service, "jetty12-stored-credentials", downstream.allowedUrl("/orders"), Tokens.valid("alice"), null);
        assertEquals(List.of(ApacheClients.SERVICE_CREDENTIALS), downstream.takeAuthorization());
        String token = Tokens.valid("alice");
        ClientContractTest.call(service, "jetty12", downstream.allowedUrl("/orders"), token, null);
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), "the same client, the credentials removed");
        // Credentials stored for /admin of the same origin do not apply to /orders: the token goes.
        ClientContractTest.call(service, "jetty12-credentials-stored-for-another-path", downstream.allowedUrl("/orders"), token, null);
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), "credentials stored for another path");
    }
}
