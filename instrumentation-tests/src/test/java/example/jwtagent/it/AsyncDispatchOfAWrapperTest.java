package example.jwtagent.it;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * An application's filter wraps the request so that the rest of the application does not see the
 * token header (it hides it, or shows another value), and its servlet streams a first part, then
 * dispatches that wrapper asynchronously. The async dispatch keeps the request's decision and
 * token, found through the wrapper (before, it was decided anew on what the wrapper showed: the
 * token was lost for the dispatch). A dispatch that is decided anew and refused after the response
 * was committed writes nothing into it and does not call the servlet (before, the 401's JSON body
 * was written into the 200 answer already on its way).
 */
class AsyncDispatchOfAWrapperTest {
    private static final AtomicInteger ASYNC_DISPATCHES = new AtomicInteger();
    private static OneContextTomcat tomcat;
    private static String base;
    private static Downstream downstream;

    @BeforeAll
    static void start() throws Exception {
        downstream = new Downstream();
        tomcat = new OneContextTomcat("async-wrapper")
                .servlet(new StreamingServlet(), true)
                .filter("credentials", (Filter) (request, response, chain) -> chain.doFilter(new CredentialsHidden((HttpServletRequest) request), response),
                        "/*", true);
        base = tomcat.start();
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.close();
        downstream.close();
    }

    @Test
    void theAsyncDispatchOfTheWrapperKeepsTheRequestsToken() throws Exception {
        String alice = Tokens.valid("alice");
        RawHttp.Response response = RawHttp.get(base, "/stream", RawHttp.bearer(alice));
        assertEquals(200, response.status, response.toString());
        assertEquals("first part\nsecond part subject=alice\n", response.body);
        var arrived = downstream.poll(5000);
        assertNotNull(arrived, "the async dispatch called downstream");
        assertEquals("Bearer " + alice, arrived.getHeaders().get("Authorization"));
    }

    @Test
    void aDispatchDecidedAnewAndRefusedAfterTheResponseWasCommittedWritesNothingIntoIt() throws Exception {
        int before = ASYNC_DISPATCHES.get();
        RawHttp.Response response = RawHttp.get(base, "/stream-forgetting-the-claims", RawHttp.bearer(Tokens.valid("alice")));
        assertEquals(200, response.status, response.toString());
        assertEquals("first part\n", response.body, "nothing written after the application's first part");
        assertEquals(before, ASYNC_DISPATCHES.get(), "the refused dispatch did not reach the servlet");
    }

    /** What the application's filter passes on: no token header, or, where the claims are forgotten, one that is no token. */
    static final class CredentialsHidden extends HttpServletRequestWrapper {
        CredentialsHidden(HttpServletRequest request) {
            super(request);
        }

        private boolean showsAnother() {
            return getRequestURI().endsWith("-forgetting-the-claims");
        }

        @Override
        public String getHeader(String name) {
            return "authorization".equalsIgnoreCase(name) ? (showsAnother() ? "Bearer not-a-token" : null) : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            if (!"authorization".equalsIgnoreCase(name)) {
                return super.getHeaders(name);
            }
            return showsAnother() ? Collections.enumeration(Collections.singletonList("Bearer not-a-token")) : Collections.emptyEnumeration();
        }
    }

    static final class StreamingServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (request.getDispatcherType() == DispatcherType.ASYNC) {
                ASYNC_DISPATCHES.incrementAndGet();
                DownstreamClients.urlConnection(downstream.allowedUrl("/after-dispatch"), null);
                response.getOutputStream().print("second part subject=" + request.getAttribute("jwt.agent.subject") + "\n");
                return;
            }
            response.setContentType("text/plain");
            response.getOutputStream().print("first part\n");
            response.flushBuffer();
            if (request.getRequestURI().endsWith("-forgetting-the-claims")) {
                // An application that drops the agent's claims has later dispatches decided anew.
                request.removeAttribute("jwt.agent.claims");
            }
            request.startAsync(request, response).dispatch();
        }
    }
}
