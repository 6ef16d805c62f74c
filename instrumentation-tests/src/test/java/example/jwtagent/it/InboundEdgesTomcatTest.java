package example.jwtagent.it;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.tomcat.util.descriptor.web.ErrorPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Edges of the inbound decision through Tomcat 11 with one worker thread (so every request runs on
 * the thread the one before it ran on): a servlet that throws after a valid token, error pages,
 * forwards and includes, a response committed before the agent, pipelined requests with different
 * tokens on one connection, exempt paths in disguise, and the form of the answers.
 */
class InboundEdgesTomcatTest {
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static OneContextTomcat tomcat;
    private static String base;
    private static Downstream downstream;
    private int callsBefore;

    @BeforeAll
    static void start() throws Exception {
        downstream = new Downstream();
        tomcat = new OneContextTomcat("inbound-edges").connectorProperty("maxThreads", "1")
                .connectorProperty("minSpareThreads", "1")
                .servlet(new App(), true);
        ErrorPage error = new ErrorPage();
        error.setErrorCode(500);
        error.setLocation("/err");
        tomcat.context.addErrorPage(error);
        tomcat.context.getPipeline().addValve(new CommitEarly());
        base = tomcat.start();
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.close();
        downstream.close();
    }

    @BeforeEach
    void count() {
        callsBefore = CALLS.get();
    }

    /** A valve ahead of every filter that commits the response of /early before the chain runs. */
    static final class CommitEarly extends ValveBase {
        CommitEarly() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            if (request.getRequestURI().startsWith("/early")) {
                response.getWriter().write("early\n");
                response.flushBuffer();
            }
            getNext().invoke(request, response);
        }
    }

    static final class App extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
            CALLS.incrementAndGet();
            String path = pathDispatchedTo(request);
            if (path.startsWith("/fwd")) {
                request.getRequestDispatcher("/health").forward(request, response);
                return;
            }
            if (path.startsWith("/inc")) {
                request.getRequestDispatcher("/public/x").include(request, response);
                return;
            }
            int status = DownstreamClients.urlConnection(downstream.allowedUrl(path), null);
            if (path.startsWith("/throw")) {
                throw new IllegalStateException("application failure");
            }
            response.setContentType("text/plain");
            response.getWriter().write("path=" + path + "\nsubject=" + request.getAttribute("jwt.agent.subject")
                    + "\ndispatch=" + request.getDispatcherType() + "\ndownstream=" + status + "\n");
        }
    }

    /**
     * The path this dispatch was sent to. An included servlet sees the outer request's servlet path
     * and path info, and the include's own in request attributes.
     */
    private static String pathDispatchedTo(HttpServletRequest request) {
        boolean included = request.getDispatcherType() == DispatcherType.INCLUDE;
        String servletPath = included
                ? (String) request.getAttribute(RequestDispatcher.INCLUDE_SERVLET_PATH) : request.getServletPath();
        String pathInfo = included
                ? (String) request.getAttribute(RequestDispatcher.INCLUDE_PATH_INFO) : request.getPathInfo();
        return servletPath + (pathInfo == null ? "" : pathInfo);
    }

    private static String forged() {
        String[] parts = Tokens.valid("mallory").split("\\.");
        return parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
    }

    @Test
    void aServletThatThrowsLeavesNoTokenAndItsErrorPageRunsWithTheRequestsToken() throws Exception {
        String alice = Tokens.valid("alice");
        RawHttp.Response failed = RawHttp.get(base, "/throw", RawHttp.bearer(alice));
        assertEquals(500, failed.status, failed.toString());
        assertEquals("Bearer " + alice, downstream.takeAuthorizationJoined(), "the failing servlet's call");
        assertEquals("Bearer " + alice, downstream.takeAuthorizationJoined(), "the error page's call");
        assertEquals("alice", failed.field("subject"), failed.toString());
        RawHttp.Response next = RawHttp.get(base, "/who");
        assertEquals("null", next.field("subject"));
        assertNull(downstream.takeAuthorizationJoined(), "the one worker kept alice's token after the servlet threw");
    }

    @Test
    void forwardsAndIncludesToExcludedPathsKeepTheOutermostDecision() throws Exception {
        String alice = Tokens.valid("alice");
        RawHttp.Response forwarded = RawHttp.get(base, "/fwd", RawHttp.bearer(alice));
        assertEquals("alice", forwarded.field("subject"), forwarded.toString());
        assertEquals("FORWARD", forwarded.field("dispatch"));
        assertEquals("/health", forwarded.field("path"));
        assertEquals("Bearer " + alice, downstream.takeAuthorizationJoined());
        RawHttp.Response included = RawHttp.get(base, "/inc", RawHttp.bearer(alice));
        assertEquals("alice", included.field("subject"), included.toString());
        assertEquals("INCLUDE", included.field("dispatch"));
        assertEquals("/public/x", included.field("path"));
        assertEquals("Bearer " + alice, downstream.takeAuthorizationJoined());
        countReset();
        RawHttp.Response refused = RawHttp.get(base, "/fwd", RawHttp.bearer(forged()));
        assertEquals(401, refused.status, refused.toString());
        assertEquals(callsBefore, CALLS.get());
    }

    private void countReset() {
        callsBefore = CALLS.get();
    }

    @Test
    void aResponseCommittedBeforeTheAgentIsNotAnsweredByTheApplicationWithAForgedToken() throws Exception {
        RawHttp.Response response = RawHttp.get(base, "/early", RawHttp.bearer(forged()));
        assertEquals(200, response.status, response.toString());
        assertEquals("early\n", response.body, response.toString());
        assertEquals(callsBefore, CALLS.get(), "the application ran for a forged token");
        RawHttp.Response valid = RawHttp.get(base, "/early", RawHttp.bearer(Tokens.valid("alice")));
        assertTrue(valid.body.contains("subject=alice"), valid.toString());
        assertTrue(downstream.takeAuthorizationJoined().startsWith("Bearer "));
    }

    @Test
    void pipelinedRequestsWithDifferentTokensAreEachDecidedOnTheirOwn() throws Exception {
        String alice = Tokens.valid("alice");
        String bob = Tokens.valid("bob");
        // Warm the one worker with alice's header, so that it remembers it for its next request.
        assertEquals("alice", RawHttp.get(base, "/who", RawHttp.bearer(alice)).field("subject"));
        assertEquals("Bearer " + alice, downstream.takeAuthorizationJoined());
        String[] headers = {
            "Authorization: Bearer " + alice,
            "Authorization: Bearer " + forged(),
            "Authorization: Bearer " + bob,
            null,
            "Authorization: Bearer " + alice,
            "Authorization: Bearer " + alice + "  ",
            "AuThOrIzAtIoN: Bearer " + alice,
            // Last: Tomcat closes the connection after a 400.
            "authorization: Bearer " + alice + "\r\nAuthorization: Bearer " + alice,
        };
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < headers.length; i++) {
            all.append("GET /who?n=").append(i).append(" HTTP/1.1\r\nHost: localhost\r\n");
            if (headers[i] != null) {
                all.append(headers[i]).append("\r\n");
            }
            if (i == headers.length - 1) {
                all.append("Connection: close\r\n");
            }
            all.append("\r\n");
        }
        URI uri = URI.create(base);
        String answer;
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(all.toString().getBytes(StandardCharsets.ISO_8859_1));
            answer = RawHttp.readUntilQuiet(socket.getInputStream());
        }
        List<String> statuses = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        for (String part : answer.split("HTTP/1.1 ")) {
            if (part.isEmpty()) {
                continue;
            }
            statuses.add(part.substring(0, 3));
            int at = part.indexOf("subject=");
            subjects.add(at < 0 ? "-" : part.substring(at + 8, part.indexOf('\n', at)));
        }
        assertEquals(List.of("200", "401", "200", "200", "200", "200", "200", "400"), statuses, answer);
        assertEquals(List.of("alice", "-", "bob", "null", "alice", "alice", "alice", "-"), subjects, answer);
        assertEquals("Bearer " + alice, downstream.takeAuthorizationJoined());
        assertEquals("Bearer " + bob, downstream.takeAuthorizationJoined());
        assertNull(downstream.takeAuthorizationJoined());
        assertEquals("Bearer " + alice, downstream.takeAuthorizationJoined());
        assertEquals("Bearer " + alice, downstream.takeAuthorizationJoined());
        assertEquals("Bearer " + alice, downstream.takeAuthorizationJoined());
    }

    @Test
    void excludedPathsInDisguiseAreDecidedLikeAnyOther() throws Exception {
        String[] disguised = {"/health/", "//health", "/health/.", "/./health", "/%68ealth", "/health%2F..%2Fwho", "/public/../who",
            "/public/%2e%2e/who", "/public;x=1/../who", "/public/x/..;/../who", "/public/x/%2E%2E/%2E%2E/who", "/HEALTH",
            "/health//", "/public//../who", "/health%3B", "/health%00", "/health?x=/../who", "/health#/../who",
            "/public/..%2Fwho", "/public/%2e%2e%2fwho", "/public\\..\\who", "/public/x/%2e%2e/..%2f..%2fwho"};
        for (String path : disguised) {
            countReset();
            RawHttp.Response response = RawHttp.get(base, path, RawHttp.bearer(forged()));
            if (response.status == 200) {
                // Let through only as a plainly excluded path: the application sees an excluded path, and no token.
                String routed = response.field("path");
                assertTrue("/health".equals(routed) || (routed != null && routed.startsWith("/public/")),
                        path + " reached " + routed + " with a forged token: " + response);
                assertEquals("null", response.field("subject"));
                downstream.takeAuthorizationJoined();
            } else {
                assertEquals(callsBefore, CALLS.get(), path + " reached the application: " + response);
            }
        }
        RawHttp.Response plain = RawHttp.get(base, "/public/x", RawHttp.bearer(forged()));
        assertEquals(200, plain.status, plain.toString());
        assertNull(downstream.takeAuthorizationJoined());
    }

    @Test
    void refusalsAreInTheFormOfRfc6750AndEchoNothing() throws Exception {
        String forged = forged();
        RawHttp.Response refused = RawHttp.get(base, "/who", RawHttp.bearer(forged));
        assertEquals(401, refused.status);
        assertEquals("Bearer error=\"invalid_token\", error_description=\"bad signature\"", refused.header("WWW-Authenticate"));
        assertEquals("no-store", refused.header("Cache-Control"));
        assertEquals("{\"error\":\"invalid_token\",\"error_description\":\"bad signature\"}", refused.body);
        assertFalse(refused.toString().contains(forged.split("\\.")[2]), refused.toString());
        for (String header : new String[] {"Authorization: Bearer  ", "Authorization: Bearer\t", "Authorization: Bearer \"x\"",
            "Authorization: Bearer a\\\"b", "Authorization: Bearer x,y", "Authorization: bearer\u00a0x"}) {
            countReset();
            RawHttp.Response bad = RawHttp.get(base, "/who", header);
            assertEquals(400, bad.status, header + " -> " + bad);
            assertEquals("Bearer error=\"invalid_request\", error_description=\"malformed Authorization header\"",
                    bad.header("WWW-Authenticate"), bad.toString());
            assertEquals("{\"error\":\"invalid_request\",\"error_description\":\"malformed Authorization header\"}", bad.body);
            assertEquals(callsBefore, CALLS.get());
        }
        countReset();
        RawHttp.Response empty = RawHttp.get(base, "/who", "Authorization: Bearer ");
        assertNotEquals(200, empty.status, empty.toString());
        assertEquals(callsBefore, CALLS.get());
    }
}
