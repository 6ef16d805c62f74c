package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An executor of the application's own whose one worker is started by its first {@code execute}
 * ({@code new Thread}, or a drain loop handed to a pool), here in alice's request, through Tomcat.
 * A later request without a token submits a task ({@code submit}: a {@code FutureTask}, handed to
 * {@code execute} as it is): its call carries no token, and bob's carries his. Before, the worker
 * kept alice's token, and the task of the caller without one called with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OwnExecutorStartedDuringARequestTest {
    private TestServer server;
    private Downstream downstream;

    @BeforeAll
    void start() throws Exception {
        server = new TomcatJakartaServer(2);
        downstream = new Downstream();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        downstream.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"own-thread", "own-pool"})
    void aTaskSubmittedLaterCarriesItsOwnCallersTokenOrNone(String executor) throws Exception {
        String alice = Tokens.valid("alice-" + executor);
        String bob = Tokens.valid("bob-" + executor);
        call(executor + "-execute", alice);
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "alice's task, which starts the worker");
        call(executor + "-submit", null);
        assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "a task submitted without a token");
        call(executor + "-submit", bob);
        assertEquals(List.of("Bearer " + bob), downstream.takeAuthorization(), "bob's task");
        call(executor + "-execute", null);
        assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "a task given to execute without a token");
    }

    private void call(String via, String token) throws Exception {
        String path = "/call?client=url-connection&url=" + URLEncoder.encode(downstream.allowedUrl("/orders"), StandardCharsets.UTF_8)
                + "&via=" + via;
        RawHttp.Response response = token == null ? RawHttp.get(server.baseUrl(), path) : RawHttp.get(server.baseUrl(), path, RawHttp.bearer(token));
        assertEquals(200, response.status, response.toString());
        assertEquals("200", response.field("downstream"), response.toString());
    }
}
