package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What a client does beside the request the application built. A client that sends credentials
 * of its own on every request (default headers, preemptive Basic credentials: Apache HttpClient 4
 * and 5, classic and async) already carries the outbound header: the agent adds nothing, and
 * never a second one. A request sent to a target given beside
 * its URI is decided for that target. A client whose core library sits in a parent class loader
 * is covered as well. Tomcat 11 in this JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientBesideTheRequestTest {
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

    @ParameterizedTest
    @ValueSource(strings = {"apache4-default-authorization", "apache5-default-authorization", "apache4-preemptive-credentials",
            "apache4-async-default-authorization", "apache4-async-preemptive-credentials",
            "apache5-async-default-authorization", "apache5-async-preemptive-credentials"})
    void aDefaultAuthorizationOfTheClientIsKeptAndNotJoinedOrReplacedByTheToken(String client) throws Exception {
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), Tokens.valid("alice"), null);
        assertEquals(List.of(ApacheClients.SERVICE_CREDENTIALS), downstream.takeAuthorization());
        // The same client, for a caller without a token: its own header as ever.
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), null, null);
        assertEquals(List.of(ApacheClients.SERVICE_CREDENTIALS), downstream.takeAuthorization());
    }

    /**
     * The classic clients note a hop's target in the application's context until its send: a hop
     * whose connection fails, and a call that completes, leave nothing there (the client itself
     * throws if they do, failing the call).
     */
    @ParameterizedTest
    @ValueSource(strings = {"apache4-on-a-kept-context", "apache5-on-a-kept-context"})
    void aContextTheApplicationKeepsIsLeftWithoutTheAgentsNotes(String client) throws Exception {
        String token = Tokens.valid("alice");
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), token, null);
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), null, null);
        assertEquals(List.of(), downstream.takeAuthorization());
    }

    @Test
    void theHttp2OnlyApache5AsyncClientKeepsItsDefaultAuthorizationAndOtherwiseCarriesTheToken() throws Exception {
        try (Downstream http2 = Downstream.http2Only()) {
            ClientContractTest.call(service, "apache5-async-http2-default-authorization", http2.allowedUrl("/orders"), Tokens.valid("alice"), null);
            assertEquals(List.of(ApacheClients.SERVICE_CREDENTIALS), http2.takeAuthorization());
            String token = Tokens.valid("alice");
            ClientContractTest.call(service, "apache5-async-http2", http2.allowedUrl("/orders"), token, null);
            assertEquals(List.of("Bearer " + token), http2.takeAuthorization());
            ClientContractTest.call(service, "apache5-async-http2", http2.notAllowedUrl("/orders"), Tokens.valid("alice"), null);
            assertEquals(List.of(), http2.takeAuthorization(), "a host that is not allowed");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"apache4-httpcore-in-parent-loader", "apache5-async-httpcore-in-parent-loader"})
    void withTheCoreLibraryInAParentClassLoaderTheTokenGoesToAllowedHostsOnly(String client) throws Exception {
        String token = Tokens.valid("alice");
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), token, null);
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
        ClientContractTest.call(service, client, downstream.notAllowedUrl("/orders"), token, null);
        assertEquals(List.of(), downstream.takeAuthorization(), "a host that is not allowed");
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), token, "Bearer own");
        assertEquals(List.of("Bearer own"), downstream.takeAuthorization(), "the application's own header");
    }

    @Test
    void aRetryTheAsyncApache5ClientSchedulesGoesWithoutTheToken() throws Exception {
        // The first attempt fails on the calling thread, which holds alice's token; the retry is
        // scheduled from there. It runs with no token (it may as well have been another caller's thread).
        ClientContractTest.call(service, "apache5-async-retried", downstream.allowedUrl("/orders"), Tokens.valid("alice"), null);
        assertEquals(List.of(), downstream.takeAuthorization(), "the retry, the only request that arrived");
        assertNull(downstream.poll(300), "nothing else arrived");
    }

    @Test
    void apache5SendsNothingOnATargetNotedForAnotherExchangeOfTheSameContext() throws Exception {
        // The default client's exchange notes its hop's target (localhost, allowed) in the context;
        // the minimal client then sends to 127.0.0.1 (not allowed) with that context.
        String token = Tokens.valid("alice");
        ClientContractTest.call(service, "apache5-then-minimal", downstream.allowedUrl("/orders"), token, null);
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), "the default client's call to localhost");
        assertEquals(List.of(), downstream.takeAuthorization(), "the minimal client's call to 127.0.0.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"apache4-async", "apache4-async-minimal"})
    void apache4AsyncIsDecidedForTheTargetItIsSentToNotTheHostInItsUri(String client) throws Exception {
        // The URI says localhost (allowed); the target given beside it, where the request goes, is 127.0.0.1 (not allowed).
        ClientContractTest.call(service, client + "-explicit-target", downstream.allowedUrl("/orders"), Tokens.valid("alice"), null);
        assertEquals(List.of(), downstream.takeAuthorization());
        // The same client without a target of its own: its URI's host, allowed, gets the token.
        String token = Tokens.valid("alice");
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), token, null);
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
    }
}
