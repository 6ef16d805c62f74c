package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A client that sends credentials of its own on every request (Apache HttpClient 4's default
 * headers) already carries the outbound header: the agent adds nothing, and never a second one.
 * Tomcat 11 in this JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientOwnCredentialsTest {
    private TestServer service;
    private Downstream downstream;

    @BeforeAll
    void start() throws Exception {
        service = new TomcatJakartaServer(2);
        downstream = new Downstream();
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        downstream.close();
    }

    @Test
    void apache4DefaultAuthorizationIsKeptAndNotJoinedByTheToken() throws Exception {
        ClientContractTest.call(service, "apache4-default-authorization", downstream.allowedUrl("/orders"), Tokens.valid("alice"), null);
        assertEquals(List.of(ApacheClients.SERVICE_CREDENTIALS), downstream.takeAuthorization());
        // The same client, for a caller without a token: its own header as ever.
        ClientContractTest.call(service, "apache4-default-authorization", downstream.allowedUrl("/orders"), null, null);
        assertEquals(List.of(ApacheClients.SERVICE_CREDENTIALS), downstream.takeAuthorization());
    }
}
