package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A thread made during alice's request and kept, then started by a later request, through Tomcat
 * (a shutdown hook made during a request, which the JVM starts at exit with no token, is this case).
 * It carries alice's token only when her token is current where it is started too: started without
 * a token, or in bob's request, its call carries none. Before, it carried alice's wherever it started.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThreadStartedInAnotherRequestTest {
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

    @Test
    void startedWithoutATokenItCarriesNone() throws Exception {
        call("kept-thread-make", Tokens.valid("alice-kept"));
        call("kept-thread-start", null);
        assertEquals(Collections.emptyList(), downstream.takeAuthorization());
    }

    @Test
    void startedInAnotherCallersRequestItCarriesNone() throws Exception {
        call("kept-thread-make", Tokens.valid("alice-kept-for-bob"));
        call("kept-thread-start", Tokens.valid("bob-starts"));
        assertEquals(Collections.emptyList(), downstream.takeAuthorization());
    }

    @Test
    void startedWithTheSameTokenItCarriesIt() throws Exception {
        String alice = Tokens.valid("alice-kept-for-herself");
        call("kept-thread-make", alice);
        call("kept-thread-start", alice);
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
    }

    @Test
    void madeAndStartedInOneRequestItCarriesIt() throws Exception {
        String alice = Tokens.valid("alice-new-thread");
        call("new-thread", alice);
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
    }

    private void call(String via, String token) throws Exception {
        String path = "/call?client=url-connection&url=" + URLEncoder.encode(downstream.allowedUrl("/orders"), StandardCharsets.UTF_8)
                + "&via=" + via;
        RawHttp.Response response = token == null ? RawHttp.get(server.baseUrl(), path) : RawHttp.get(server.baseUrl(), path, RawHttp.bearer(token));
        assertEquals(200, response.status, response.toString());
        if (!via.endsWith("-make")) {
            assertEquals("200", response.field("downstream"), response.toString());
        }
    }
}
