package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Where OkHttp's calls and hops get the token: each hop decided after the application's
 * interceptors ({@link OkHttpClients#withInterceptor}: moving the call, adding credentials,
 * rebuilding the request, sending it again elsewhere), for the host it goes to; a call carries the
 * token of the thread that makes it (reused requests, clones), or none when the application set
 * the header; the requests OkHttp shows the application ({@code response.request()}) never carry
 * it; a cache keeps callers apart; an enqueued call's callback, queued or not, runs with its own
 * caller's token. {@code execute} and {@code enqueue} where they differ.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OkHttpAtSendContractTest {
    private TestServer service;
    private Downstream downstream;

    abstract TestServer startService() throws Exception;

    @BeforeAll
    void start() throws Exception {
        service = startService();
        downstream = new Downstream();
    }

    /** Whatever an earlier case left (a failed one, say): each case reads only its own requests. */
    @org.junit.jupiter.api.BeforeEach
    void drain() throws Exception {
        while (downstream.poll(100) != null) {
            // dropped
        }
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        downstream.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"okhttp-interceptor-host-rewritten", "okhttp-async-interceptor-host-rewritten"})
    void aCallAnInterceptorMovesToAHostThatIsNotAllowedCarriesNoToken(String client) throws Exception {
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), Tokens.valid("alice"), null);
        assertEquals(List.of(), downstream.takeAuthorization(), "sent to 127.0.0.1, which is not allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"okhttp-interceptor-fails-over", "okhttp-async-interceptor-fails-over"})
    void aRequestAnInterceptorSendsAgainToAHostThatIsNotAllowedCarriesNoToken(String client) throws Exception {
        String token = Tokens.valid("alice");
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), token, null);
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), "the call, to localhost");
        assertEquals(List.of(), downstream.takeAuthorization(), "the request the network layer sent, sent again to 127.0.0.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"okhttp-interceptor-credentials-if-absent", "okhttp-async-interceptor-credentials-if-absent"})
    void credentialsAnInterceptorAddsWhenTheRequestHasNoneGoAlone(String client) throws Exception {
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), Tokens.valid("alice"), null);
        assertEquals(List.of(ApacheClients.SERVICE_CREDENTIALS), downstream.takeAuthorization());
    }

    @ParameterizedTest
    @ValueSource(strings = {"okhttp-interceptor-traced", "okhttp-async-interceptor-traced", "okhttp-interceptor-rebuilt",
            "okhttp-async-interceptor-rebuilt"})
    void anInterceptorThatLeavesTheHostAndCredentialsAloneLetsTheTokenGoAlsoWithANewRequest(String client) throws Exception {
        String token = Tokens.valid("alice");
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), token, null);
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), null, null);
        assertEquals(List.of(), downstream.takeAuthorization(), "a caller without a token");
    }

    @org.junit.jupiter.api.Test
    void aRequestTakenFromAnEarlierCallCarriesOnlyTheTokenCurrentForTheNewCall() throws Exception {
        String client = "okhttp-reusing-the-last-calls-request";
        String alice = Tokens.valid("alice");
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), alice, null);
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), null, null);
        assertEquals(List.of(), downstream.takeAuthorization(), "a caller without a token, with alice's call's request");
        String bob = Tokens.valid("bob");
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), bob, null);
        assertEquals(List.of("Bearer " + bob), downstream.takeAuthorization(), "bob, with the last call's request");
    }

    /**
     * A network interceptor that keeps alice's hop (with the agent's header) and sends it again from
     * later calls, to the same allowed host: a later caller without a token, or bob, never sends
     * alice's token. Bob's own hop was replaced after the agent decided it, so his goes without one.
     */
    @org.junit.jupiter.api.Test
    void aHopANetworkInterceptorKeptFromAnEarlierCallCarriesNoneOfItsTokenInALaterCall() throws Exception {
        String client = "okhttp-network-interceptor-replays-the-first-hop";
        String alice = Tokens.valid("alice");
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), alice, null);
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "alice's call");
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), null, null);
        assertEquals(List.of(), downstream.takeAuthorization(), "a later call without a token, with alice's hop");
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), Tokens.valid("bob"), null);
        assertEquals(List.of(), downstream.takeAuthorization(), "bob's later call, with alice's hop");
    }

    /**
     * One call per host at a time: a waiting call is started by the thread that ends the one
     * before, another caller's, and the call's callback then calls downstream again. The call and
     * the callback's call both carry their own caller's token, or none.
     */
    @org.junit.jupiter.api.Test
    void aQueuedCallAndItsCallbackCarryTheirOwnCallersToken() throws Exception {
        try (Downstream slow = Downstream.slow(15)) {
            assertEquals(2 * SharedConnectionCallersTest.CALLERS.size() * SharedConnectionCallersTest.CALLS_PER_CALLER,
                    SharedConnectionCallersTest.callersAtOnce(service, slow, "okhttp-async-one-per-host-then-nested"));
        }
    }

    /**
     * A cache that keeps answers per {@code Authorization}: each caller's request reaches the
     * service with its own token, and no caller is answered from another caller's entry.
     */
    @org.junit.jupiter.api.Test
    void aCacheKeepsEachCallersAnswerApart() throws Exception {
        try (Downstream cacheable = Downstream.cacheablePerAuthorization()) {
            for (String caller : List.of("alice", "bob")) {
                String token = Tokens.valid(caller);
                ClientContractTest.call(service, "okhttp-cached", cacheable.allowedUrl("/profile"), token, null);
                assertEquals(List.of("Bearer " + token), cacheable.takeAuthorization(), caller + "'s call reaches the service");
            }
            ClientContractTest.call(service, "okhttp-cached", cacheable.allowedUrl("/profile"), null, null);
            assertEquals(List.of(), cacheable.takeAuthorization(), "so does the call of a caller without a token");
        }
    }

    /**
     * The application sets its own {@code Authorization} and is redirected to another allowed host:
     * OkHttp drops the header there, and the call, which was the application's own, gets no token.
     */
    @org.junit.jupiter.api.Test
    void aCallWithTheApplicationsOwnAuthorizationGetsNoTokenAfterARedirect() throws Exception {
        try (Downstream target = new Downstream(); Downstream redirector = new Downstream(target.allowedUrl("/landing"))) {
            ClientContractTest.call(service, "okhttp", redirector.allowedUrl("/start"), Tokens.valid("alice"), "Basic c2VydmljZTpzZWNyZXQ=");
            assertEquals(List.of("Basic c2VydmljZTpzZWNyZXQ="), redirector.takeAuthorization());
            assertEquals(List.of(), target.takeAuthorization(), "the redirect to another port of an allowed host");
        }
    }

    /**
     * A request OkHttp answered with ({@code networkResponse().request()}, which the network layer
     * sent with the header, and {@code response.request()}), sent again to a host that is not
     * allowed: neither carries the token there.
     */
    @org.junit.jupiter.api.Test
    void aRequestTakenFromAnAnswerAndSentElsewhereCarriesNoToken() throws Exception {
        String token = Tokens.valid("alice");
        ClientContractTest.call(service, "okhttp-reusing-the-answered-requests", downstream.allowedUrl("/orders?first=1"), token, null);
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), "the first call, to localhost");
        assertEquals(List.of(), downstream.takeAuthorization(), "networkResponse().request() sent to 127.0.0.1");
        assertEquals(List.of(), downstream.takeAuthorization(), "response.request() sent to 127.0.0.1");
    }

    /** A clone of a call alice made, executed for bob and for a caller without a token: each carries only its own. */
    @org.junit.jupiter.api.Test
    void aCloneCarriesTheTokenOfTheCallerThatClonesIt() throws Exception {
        String client = "okhttp-clone-of-the-first-call";
        String alice = Tokens.valid("alice");
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), alice, null);
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
        String bob = Tokens.valid("bob");
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), bob, null);
        assertEquals(List.of("Bearer " + bob), downstream.takeAuthorization(), "bob's clone of alice's call");
        ClientContractTest.call(service, client, downstream.allowedUrl("/orders"), null, null);
        assertEquals(List.of(), downstream.takeAuthorization(), "a clone made without a token");
    }

    /**
     * An {@code Authenticator} written as OkHttp documents it (give up when the request already
     * had {@code Authorization}) answers the challenge to the token with the service's own
     * credentials: the request it looks at never shows the token.
     */
    @org.junit.jupiter.api.Test
    void anAuthenticatorAsDocumentedAnswersTheChallengeToTheToken() throws Exception {
        mockwebserver3.MockWebServer challenging = ChallengeContractTest.challengingDownstream();
        try {
            String token = Tokens.valid("alice");
            ClientContractTest.call(service, "okhttp-answering-challenges-as-documented",
                    "http://localhost:" + challenging.getPort() + "/orders", token, null);
            assertEquals(List.of("Bearer " + token), challenging.takeRequest().getHeaders().values("Authorization"));
            assertEquals(List.of(ChallengeAnsweringClients.BASIC), challenging.takeRequest().getHeaders().values("Authorization"));
        } finally {
            challenging.close();
        }
    }

    /**
     * A call the application sends with credentials of its own carries no token, but its callback
     * is a hand-off like any other: a call made from it carries the caller's token.
     */
    @org.junit.jupiter.api.Test
    void theCallbackOfACallWithTheApplicationsOwnHeaderRunsWithTheCallersToken() throws Exception {
        String token = Tokens.valid("alice");
        ClientContractTest.call(service, "okhttp-async-then-call-from-the-callback", downstream.allowedUrl("/orders?caller=alice"),
                token, ApacheClients.SERVICE_CREDENTIALS);
        assertEquals(List.of(ApacheClients.SERVICE_CREDENTIALS), downstream.takeAuthorization(), "the call with its own credentials");
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), "the call from its callback");
    }
}
