package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Structured concurrency (Java 25's preview API): a subtask a request forks with
 * {@code StructuredTaskScope} calls downstream with that request's token, and a request without one
 * sends none. The subtask runs on a virtual thread the scope's factory makes, where the token is
 * hidden as on any factory's thread: it must come with the subtask. Tomcat 11 in a child JVM started
 * with {@code --enable-preview}.
 */
class StructuredTaskScopeTest {
    private static TestServer service;
    private static Downstream downstream;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "StructuredTaskScope.open() is Java 25's form of the preview API");
        service = ClientContractTest.childService(ChildJvm.main(RelayChild.class).jvmArgument("--enable-preview").start());
        downstream = new Downstream();
    }

    @AfterAll
    static void stop() throws Exception {
        if (downstream != null) {
            downstream.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aForkedSubtaskCallsWithTheRequestsToken() throws Exception {
        String alice = Tokens.valid("alice");
        call(alice);
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
    }

    @Test
    void aSubtaskForkedWithoutATokenCallsWithout() throws Exception {
        call(Tokens.valid("bob"));
        downstream.takeAuthorization();
        call(null);
        assertEquals(List.of(), downstream.takeAuthorization());
    }

    private static void call(String token) throws Exception {
        String path = "/call?client=url-connection&url=" + URLEncoder.encode(downstream.allowedUrl("/call"), StandardCharsets.UTF_8)
                + "&via=structured-task-scope";
        RawHttp.Response response = token == null ? RawHttp.get(service.baseUrl(), path) : RawHttp.get(service.baseUrl(), path, RawHttp.bearer(token));
        assertEquals(200, response.status, response.toString());
    }
}
