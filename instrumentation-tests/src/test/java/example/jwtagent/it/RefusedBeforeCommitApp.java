package example.jwtagent.it;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The application of {@code RefusedBeforeCommitTest} and its check, in a class of their own so that
 * Jetty 12's module, which has no javax servlet API or Jetty 9.4, runs the same servlet and check.
 */
final class RefusedBeforeCommitApp {
    private static final AtomicInteger ASYNC_DISPATCHES = new AtomicInteger();
    private static final String MALFORMED = "{\"error\":\"invalid_token\",\"error_description\":\"malformed token\"}";

    private RefusedBeforeCommitApp() {
    }

    /** The check, for a server running {@link JakartaServlet} or {@link JavaxServlet}. */
    static void assertRefusedWithTheJsonBodyAlone(String base, String path) throws Exception {
        int before = ASYNC_DISPATCHES.get();
        RawHttp.Response response = RawHttp.get(base, path, RawHttp.bearer(Tokens.valid("alice")));
        assertEquals(401, response.status, response.toString());
        assertEquals("Bearer error=\"invalid_token\", error_description=\"malformed token\"", response.header("WWW-Authenticate"), response.toString());
        assertEquals("no-store", response.header("Cache-Control"), response.toString());
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
