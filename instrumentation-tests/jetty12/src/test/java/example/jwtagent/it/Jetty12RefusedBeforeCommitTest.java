package example.jwtagent.it;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * RefusedBeforeCommitTest on Jetty 12 (ee10): the application buffers a first part of its answer,
 * drops the agent's claims and dispatches its own wrapper, whose header is no token. The dispatch
 * is decided anew and refused: the answer is the agent's 401 with its JSON body alone, and the
 * servlet is not called again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Jetty12RefusedBeforeCommitTest {
    private static final AtomicInteger ASYNC_DISPATCHES = new AtomicInteger();
    private static final String MALFORMED = "{\"error\":\"invalid_token\",\"error_description\":\"malformed token\"}";

    private Server jetty;
    private String base;

    @BeforeAll
    void start() throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder(new AppServlet());
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        jetty.setHandler(context);
        jetty.start();
        base = "http://localhost:" + connector.getLocalPort();
    }

    @AfterAll
    void stop() throws Exception {
        jetty.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/stream", "/writer"})
    void aDispatchRefusedBeforeTheResponseIsCommittedAnswersWithTheJsonBodyAlone(String path) throws Exception {
        int before = ASYNC_DISPATCHES.get();
        RawHttp.Response response = RawHttp.get(base, path, RawHttp.bearer(Tokens.valid("alice")));
        assertEquals(401, response.status, response.toString());
        assertEquals("Bearer error=\"invalid_token\", error_description=\"malformed token\"", response.header("WWW-Authenticate"), response.toString());
        assertEquals("no-store", response.header("Cache-Control"), response.toString());
        assertEquals(MALFORMED, response.body, "the 401's body is the agent's JSON alone");
        assertEquals(before, ASYNC_DISPATCHES.get(), "the refused dispatch did not reach the servlet");
    }

    static final class AppServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (request.getDispatcherType() == DispatcherType.ASYNC) {
                ASYNC_DISPATCHES.incrementAndGet();
                response.getWriter().print("second part\n");
                return;
            }
            response.setContentType("text/plain");
            String first = "first part for " + request.getAttribute("jwt.agent.subject") + ", written before the dispatch\n";
            if (request.getRequestURI().equals("/writer")) {
                response.getWriter().print(first);
            } else {
                response.getOutputStream().print(first);
            }
            // An application that drops the agent's claims has later dispatches decided anew.
            request.removeAttribute("jwt.agent.claims");
            request.startAsync(new HttpServletRequestWrapper(request) {
                @Override
                public String getHeader(String name) {
                    return "authorization".equalsIgnoreCase(name) ? "Bearer not-a-token" : super.getHeader(name);
                }

                @Override
                public Enumeration<String> getHeaders(String name) {
                    return "authorization".equalsIgnoreCase(name) ? Collections.enumeration(Collections.singletonList("Bearer not-a-token"))
                            : super.getHeaders(name);
                }
            }, response).dispatch();
        }
    }
}
