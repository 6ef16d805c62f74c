package example.jwtagent.it;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The application writes a first part of its answer into the response buffer (not flushed, so not
 * committed), drops the agent's claims and dispatches its own request wrapper, which shows a header
 * that is no token: the dispatch is decided anew and refused. The answer is the agent's 401 with its
 * JSON body alone, and the servlet is not called again. Before, the application's buffered output
 * went out as the 401's body (Tomcat 11: cut to the JSON's Content-Length, under
 * {@code application/json}; Jetty 9.4: an internal fault, 401 "internal error"), and with the
 * application's writer in use no JSON body could be written at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefusedBeforeCommitTest {
    private static final AtomicInteger ASYNC_DISPATCHES = new AtomicInteger();
    private static final String MALFORMED = "{\"error\":\"invalid_token\",\"error_description\":\"malformed token\"}";

    private OneContextTomcat tomcat;
    private String tomcatBase;
    private Server jetty;
    private String jettyBase;

    @BeforeAll
    void start() throws Exception {
        tomcat = new OneContextTomcat("refused-before-commit").servlet(new JakartaServlet(), true);
        tomcatBase = tomcat.start();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder(new JavaxServlet());
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        jetty.setHandler(context);
        jetty.start();
        jettyBase = "http://localhost:" + connector.getLocalPort();
    }

    @AfterAll
    void stop() throws Exception {
        tomcat.close();
        jetty.stop();
    }

    Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("Tomcat 11", "/stream"), Arguments.of("Tomcat 11", "/writer"),
                Arguments.of("Jetty 9.4", "/stream"), Arguments.of("Jetty 9.4", "/writer"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void aDispatchRefusedBeforeTheResponseIsCommittedAnswersWithTheJsonBodyAlone(String server, String path) throws Exception {
        int before = ASYNC_DISPATCHES.get();
        RawHttp.Response response = RawHttp.get(server.startsWith("Tomcat") ? tomcatBase : jettyBase, path, RawHttp.bearer(Tokens.valid("alice")));
        assertEquals(401, response.status, response.toString());
        assertEquals("Bearer error=\"invalid_token\", error_description=\"malformed token\"", response.header("WWW-Authenticate"), response.toString());
        assertEquals(MALFORMED, response.body, "the 401's body is the agent's JSON alone");
        assertEquals(before, ASYNC_DISPATCHES.get(), "the refused dispatch did not reach the servlet");
    }

    /** The application's first part, in its response buffer: through the stream or the writer, as the path says. */
    private static String firstPart(Object subject) {
        return "first part for " + subject + ", written before the dispatch\n";
    }

    static final class JakartaServlet extends jakarta.servlet.http.HttpServlet {
        @Override
        protected void service(jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response)
                throws IOException {
            if (request.getDispatcherType() == jakarta.servlet.DispatcherType.ASYNC) {
                ASYNC_DISPATCHES.incrementAndGet();
                response.getWriter().print("second part\n");
                return;
            }
            response.setContentType("text/plain");
            if (request.getRequestURI().equals("/writer")) {
                response.getWriter().print(firstPart(request.getAttribute("jwt.agent.subject")));
            } else {
                response.getOutputStream().print(firstPart(request.getAttribute("jwt.agent.subject")));
            }
            // An application that drops the agent's claims has later dispatches decided anew.
            request.removeAttribute("jwt.agent.claims");
            request.startAsync(new jakarta.servlet.http.HttpServletRequestWrapper(request) {
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

    static final class JavaxServlet extends javax.servlet.http.HttpServlet {
        @Override
        protected void service(javax.servlet.http.HttpServletRequest request, javax.servlet.http.HttpServletResponse response)
                throws IOException {
            if (request.getDispatcherType() == javax.servlet.DispatcherType.ASYNC) {
                ASYNC_DISPATCHES.incrementAndGet();
                response.getWriter().print("second part\n");
                return;
            }
            response.setContentType("text/plain");
            if (request.getRequestURI().equals("/writer")) {
                response.getWriter().print(firstPart(request.getAttribute("jwt.agent.subject")));
            } else {
                response.getOutputStream().print(firstPart(request.getAttribute("jwt.agent.subject")));
            }
            request.removeAttribute("jwt.agent.claims");
            request.startAsync(new javax.servlet.http.HttpServletRequestWrapper(request) {
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
