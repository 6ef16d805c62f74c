package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Threads that wait on the common pool run queued work of other callers on their own thread: a
 * thread that joins a future of the default executor helps run the pool's async stages, and one that
 * awaits the pool's quiescence runs whatever is queued; a pool task that joins a subtask another
 * worker stole runs what is queued on that worker. While they do, their own token is hidden, so
 * work queued by a caller without a token calls without one. Before, it called with the token of
 * alice, whose request waited. Tomcat 11 in a child JVM whose common pool has three workers (a
 * two-core machine gives it one, with which the default executor never helps).
 */
class CommonPoolHelpersTest {
    private static TestServer service;
    private static Downstream downstream;

    @BeforeAll
    static void start() throws Exception {
        service = ClientContractTest.childService(ChildJvm.main(RelayChild.class)
                .jvmArgument("-Djava.util.concurrent.ForkJoinPool.common.parallelism=3").start());
        downstream = new Downstream();
    }

    @AfterAll
    static void stop() throws Exception {
        downstream.close();
        service.close();
    }

    @Test
    void anAsyncStageRegisteredWithoutATokenRunsWithoutTheTokenOfTheThreadThatJoinsIt() throws Exception {
        call("cf-help-register", null);
        call("cf-help-complete", Tokens.valid("alice"));
        assertEquals(List.of(), downstream.takeAuthorization());
    }

    @Test
    void workQueuedWithoutATokenRunsWithoutTheTokenOfTheThreadThatAwaitsQuiescence() throws Exception {
        call("fj-quiesce-background", null);
        call("fj-quiesce", Tokens.valid("alice"));
        assertEquals(List.of(), downstream.takeAuthorization());
    }

    @Test
    void workQueuedWithoutATokenRunsWithoutTheTokenOfTheThreadThatAwaitsTheCommonPoolsTermination() throws Exception {
        call("fj-quiesce-background", null);
        call("fj-await-termination", Tokens.valid("alice"));
        assertEquals(List.of(), downstream.takeAuthorization());
    }

    @Test
    void aStageQueuedOnTheThiefOfASubtaskRunsWithoutTheTokenOfTheTaskThatJoinsTheSubtask() throws Exception {
        call("fj-join-register", null);
        call("fj-join-complete", Tokens.valid("alice"));
        assertEquals(List.of(), downstream.takeAuthorization());
    }

    @Test
    void aSubtaskATaskForksAndJoinsItselfKeepsTheTasksToken() throws Exception {
        String alice = Tokens.valid("alice");
        call("fj-own-subtask", alice);
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
    }

    @Test
    void aSubtaskTheRequestThreadForksAndJoinsKeepsTheRequestsToken() throws Exception {
        String alice = Tokens.valid("alice");
        call("fj-request-thread-join", alice);
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
    }

    @Test
    void anAsyncStageRegisteredWithATokenKeepsItWhenAnotherCallersThreadJoinsIt() throws Exception {
        String carol = Tokens.valid("carol");
        call("cf-help-register", carol);
        call("cf-help-complete", Tokens.valid("alice"));
        assertEquals(List.of("Bearer " + carol), downstream.takeAuthorization());
    }

    @Test
    void aTaskItsForkerTookBackRunsWithoutItsTokenWhenACallerWithoutOneInvokesItLater() throws Exception {
        String alice = Tokens.valid("alice");
        call("fj-unfork-own", alice);
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
        call("fj-reuse-invoke", null);
        assertEquals(List.of(), downstream.takeAuthorization());
    }

    @Test
    void aTaskItsForkerTookBackRunsWithTheTokenOfAnotherCallerThatInvokesItLater() throws Exception {
        String alice = Tokens.valid("alice");
        String bob = Tokens.valid("bob");
        call("fj-unfork-own", alice);
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
        call("fj-reuse-invoke", bob);
        assertEquals(List.of("Bearer " + bob), downstream.takeAuthorization());
    }

    private static void call(String via, String token) throws Exception {
        String path = "/call?client=url-connection&url=" + URLEncoder.encode(downstream.allowedUrl("/call"), StandardCharsets.UTF_8)
                + "&via=" + via;
        RawHttp.Response response = token == null ? RawHttp.get(service.baseUrl(), path) : RawHttp.get(service.baseUrl(), path, RawHttp.bearer(token));
        assertEquals(200, response.status, response.toString());
    }
}
