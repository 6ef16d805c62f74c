package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SPEC section 5 through a real servlet container in this JVM: a downstream call made on another
 * thread (every hand-off of {@link Handoffs}, {@code AsyncContext.start}, {@code AsyncContext.dispatch})
 * carries exactly the caller's token, a caller without one sends none, and nothing is left behind
 * on the pools' threads or the container's. Subclasses pick the container, with two workers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HandoffContractTest {
    static final List<String> CLIENTS = List.of("url-connection", "jdk-send");

    private TestServer server;
    private Downstream downstream;

    abstract TestServer startServer() throws Exception;

    @BeforeAll
    void start() throws Exception {
        server = startServer();
        downstream = new Downstream();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        downstream.close();
    }

    static Stream<Arguments> handoffsAndClients() {
        List<Arguments> all = new ArrayList<>();
        for (String via : Handoffs.NAMES) {
            for (String client : CLIENTS) {
                all.add(Arguments.of(via, client));
            }
        }
        return all.stream();
    }

    static Stream<Arguments> asyncRoutesAndClients() {
        List<Arguments> all = new ArrayList<>();
        for (String route : List.of("/async-call", "/dispatch-call")) {
            for (String client : CLIENTS) {
                all.add(Arguments.of(route, client));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("handoffsAndClients")
    void handedOffCallCarriesTheCallersToken(String via, String client) throws Exception {
        assumeTrue(Handoffs.available(via), via + " is not in this Java");
        String token = Tokens.valid("alice-" + via);
        call("/call", via, client, token);
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("handoffsAndClients")
    void handedOffCallOfACallerWithoutTokenCarriesNone(String via, String client) throws Exception {
        assumeTrue(Handoffs.available(via), via + " is not in this Java");
        call("/call", via, client, null);
        assertEquals(Collections.emptyList(), downstream.takeAuthorization());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("handoffNames")
    void noTokenIsLeftOnThePoolThreads(String via) throws Exception {
        assumeTrue(Handoffs.available(via), via + " is not in this Java");
        for (int i = 0; i < 4; i++) {
            String token = Tokens.valid("user" + i);
            call("/call", via, "url-connection", token);
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), "round " + i + " with a token");
            call("/call", via, "url-connection", null);
            assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "round " + i + " without a token");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"own-loop", "netty-loop"})
    void aLoopThreadStartedDuringARequestKeepsNoToken(String via) throws Exception {
        // The loop's thread is started by the first task, here in a request with a token (unless
        // another container's test started it first). Tasks handed to a loop carry no token; its
        // thread must not hold the one current when it was made.
        for (int i = 0; i < 2; i++) {
            String token = Tokens.valid("alice-" + via + i);
            call("/call", via, "url-connection", token);
            List<String> sent = downstream.takeAuthorization();
            assertEquals(Collections.emptyList(), sent, "round " + i + ": a loop's task with the request's token");
            call("/call", via, "url-connection", null);
            assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "round " + i + ": a later request without a token");
        }
    }

    @org.junit.jupiter.api.Test
    void aStageOfASharedFutureRunsWithTheTokenOfWhoRegisteredItNotOfWhoCompletedIt() throws Exception {
        String alice = Tokens.valid("alice-registers");
        String bob = Tokens.valid("bob-completes");
        // Alice's request registers the call (thenApply) and is answered; Bob's completes the future.
        call("/call", "cf-shared-register", "url-connection", alice);
        call("/call", "cf-shared-complete", "url-connection", bob);
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "the stage is Alice's work");
        // Registered without a token, completed by Bob: the stage must not get his.
        call("/call", "cf-shared-register", "url-connection", null);
        call("/call", "cf-shared-complete", "url-connection", bob);
        assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "a stage registered without a token");
    }

    @org.junit.jupiter.api.Test
    void aPriorityPoolGetsItsTasksAsTheyAreAndNoException() throws Exception {
        // Its comparator casts the queued tasks to its own type: a wrapped task made execute throw.
        RawHttp.Response response = call("/call", "priority-pool", "url-connection", Tokens.valid("alice-priority"));
        assertEquals("200", response.field("downstream"));
        assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "such a task carries no token");
    }

    static Stream<String> handoffNames() {
        return Handoffs.NAMES.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("asyncRoutesAndClients")
    void asyncServletCallCarriesTheRequestsToken(String route, String client) throws Exception {
        String token = Tokens.valid("alice-async");
        RawHttp.Response response = call(route, null, client, token);
        assertEquals("alice-async", response.field("subject"), "the dispatch still sees the verified subject");
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
        call(route, null, client, null);
        assertEquals(Collections.emptyList(), downstream.takeAuthorization());
        call("/call", null, client, null);
        assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "nothing left on the container's threads");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"direct", "executor-submit", "new-thread"})
    void asyncContextStartComposesWithFurtherHandoffs(String via) throws Exception {
        String token = Tokens.valid("alice-async-" + via);
        call("/async-call", via, "jdk-send", token);
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"url-connection", "jdk-send"})
    void workFinishedAfterTheResponseDoesNotCarryTheTokenToLaterRequests(String client) throws Exception {
        for (int i = 0; i < 3; i++) {
            String token = Tokens.valid("late" + i);
            RawHttp.Response accepted = request("/async-late-call", null, client, token);
            assertEquals(202, accepted.status, accepted.toString());
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), "the late call is still the request's work");
            for (int j = 0; j < 3; j++) {
                call("/call", null, client, null);
                assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "a later request without a token, round " + i);
                call("/async-call", null, client, null);
                assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "a later async request without a token, round " + i);
            }
        }
    }

    private RawHttp.Response call(String route, String via, String client, String token) throws Exception {
        RawHttp.Response response = request(route, via, client, token);
        assertEquals(200, response.status, response.toString());
        assertEquals("200", response.field("downstream"), response.toString());
        return response;
    }

    private RawHttp.Response request(String route, String via, String client, String token) throws Exception {
        String path = route + "?client=" + client + "&url=" + encode(downstream.allowedUrl("/orders"))
                + (via == null ? "" : "&via=" + via);
        return token == null ? RawHttp.get(server.baseUrl(), path) : RawHttp.get(server.baseUrl(), path, RawHttp.bearer(token));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
