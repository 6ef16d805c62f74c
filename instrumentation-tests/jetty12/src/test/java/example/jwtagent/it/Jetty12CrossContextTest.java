package example.jwtagent.it;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Jetty 12's cross-context dispatches (forward, include, async dispatch into another context):
 * the other context's servlet runs the same request, with its token or none, and sees its subject.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Jetty12CrossContextTest {
    static volatile String calls;

    private Server server;
    private Downstream downstream;
    private String base;

    @BeforeAll
    void start() throws Exception {
        downstream = new Downstream();
        calls = downstream.allowedUrl("/from-the-other-context");
        ServletContextHandler a = Jetty12Server.context("/a", new Front());
        a.setCrossContextDispatchSupported(true);
        ServletContextHandler b = Jetty12Server.context("/b", new Back());
        b.setCrossContextDispatchSupported(true);
        server = Jetty12Server.started(null, new ContextHandlerCollection(a, b));
        base = "http://localhost:" + Jetty12Server.portOf(server);
    }

    @AfterAll
    void stop() throws Exception {
        server.stop();
        downstream.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a/forward", "/a/include", "/a/async-dispatch", "/a/health"})
    void theOtherContextRunsTheRequestWithItsTokenOrNone(String path) throws Exception {
        boolean excluded = path.endsWith("/health");
        for (int i = 0; i < 3; i++) {
            String token = Tokens.valid("alice" + i);
            RawHttp.Response answer = RawHttp.get(base, path, RawHttp.bearer(token));
            assertEquals(200, answer.status, answer.toString());
            assertEquals(excluded ? "null" : "alice" + i, answer.field("subject"), answer.toString());
            assertEquals(excluded ? List.of() : List.of("Bearer " + token), downstream.takeAuthorization(), path + ", round " + i);
            RawHttp.Response without = RawHttp.get(base, path);
            assertEquals(200, without.status, without.toString());
            assertEquals("null", without.field("subject"), without.toString());
            assertEquals(Collections.emptyList(), downstream.takeAuthorization(), path + " without a token, round " + i);
        }
    }

    static final class Front extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
            ServletContext other = getServletContext().getContext("/b");
            switch (request.getPathInfo()) {
                case "/include":
                    other.getRequestDispatcher("/target").include(request, response);
                    return;
                case "/async-dispatch": {
                    AsyncContext async = request.startAsync();
                    async.dispatch(other, "/target");
                    return;
                }
                default:
                    other.getRequestDispatcher("/target").forward(request, response);
            }
        }
    }

    static final class Back extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            JdkHeldExchanges.callFromACallback(calls);
            response.setContentType("text/plain");
            response.getWriter().print("subject=" + request.getAttribute("jwt.agent.subject") + "\n");
        }
    }
}
