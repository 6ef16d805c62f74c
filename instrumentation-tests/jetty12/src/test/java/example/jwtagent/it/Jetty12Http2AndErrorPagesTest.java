package example.jwtagent.it;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jetty 12 (ee10) over HTTP/2 in clear text (prior knowledge), with header blocks as sent
 * ({@link RawH2}): a forged or expired token, the same field twice, names in upper case,
 * pseudo-header tricks; its error pages (ErrorPageErrorHandler) over HTTP/2; and excluded paths in
 * disguise under its URI compliance modes. The application's calls and what a downstream received
 * from them are the observable.
 */
class Jetty12Http2AndErrorPagesTest {
    private static final List<String> CALLS = Collections.synchronizedList(new ArrayList<>());
    private static volatile Downstream downstream;
    private static final String FORGED = Http2StreamChecks.FORGED;

    static final class Running implements AutoCloseable {
        final Server server;
        final int port;

        Running(UriCompliance compliance) throws Exception {
            ServletContextHandler context = Jetty12Server.context("/", new AppServlet());
            ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
            errors.addErrorPage(ErrorPageErrorHandler.GLOBAL_ERROR_PAGE, "/error-page");
            context.setErrorHandler(errors);
            HttpConfiguration config = new HttpConfiguration();
            config.setUriCompliance(compliance);
            server = new Server(new QueuedThreadPool(8, 3));
            ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config),
                    new HTTP2CServerConnectionFactory(config));
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            server.setHandler(context);
            server.start();
            port = connector.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.stop();
        }
    }

    private static void log(String line) {
        System.out.println("J12 " + Tokens.masked(line));
    }

    private static void notCalled(RawH2.Answer answer, int before, String what) throws Exception {
        new Http2StreamChecks("J12", CALLS, downstream).notCalled(answer, before, what);
    }

    @Test
    void headerFieldsAsSentOverHttp2() throws Exception {
        String alice = Tokens.valid("alice");
        try (Downstream d = new Downstream(); Running server = new Running(UriCompliance.DEFAULT)) {
            downstream = d;
            Http2StreamChecks checks = new Http2StreamChecks("J12", CALLS, d);
            try (RawH2 h2 = new RawH2(server.port, new JettyHeaderBlocks())) {
                checks.oneConnection(h2, alice, "REQUEST /orders /orders alice");
            }
            checks.malformedFields(() -> new RawH2(server.port, new JettyHeaderBlocks()), alice);
            checks.pseudoHeaderTricks(() -> new RawH2(server.port, new JettyHeaderBlocks()), alice,
                    "REQUEST (/health|/public/\\S*) \\1 null");
        }
    }

    /** Error pages over HTTP/2: the error dispatch carries the request's token, or none; a refused token never gets one. */
    @Test
    void errorPagesOverHttp2() throws Exception {
        try (Downstream d = new Downstream(); Running server = new Running(UriCompliance.DEFAULT);
             RawH2 h2 = new RawH2(server.port, new JettyHeaderBlocks())) {
            downstream = d;
            for (String path : new String[] {"/throws", "/send-error", "/public/throws"}) {
                for (int i = 0; i < 2; i++) {
                    String token = Tokens.valid("alice" + i);
                    int before = CALLS.size();
                    RawH2.Answer answer = h2.get(path, "authorization", "Bearer " + token);
                    log(path + " alice" + i + " -> " + answer.status + " " + CALLS.subList(before, CALLS.size()));
                    assertEquals("500", answer.status, answer.toString());
                    boolean excluded = path.startsWith("/public");
                    assertEquals(List.of("REQUEST " + path + " " + path + " " + (excluded ? "null" : "alice" + i),
                            "ERROR /error-page " + path + " " + (excluded ? "null" : "alice" + i)), CALLS.subList(before, CALLS.size()));
                    assertEquals(excluded ? List.of() : List.of("Bearer " + token), d.takeAuthorization());
                    assertEquals(excluded ? List.of() : List.of("Bearer " + token), d.takeAuthorization());

                    before = CALLS.size();
                    RawH2.Answer forged = h2.get(path, "authorization", "Bearer " + FORGED);
                    if (excluded) {
                        assertEquals("500", forged.status, forged.toString());
                        assertEquals(List.of("REQUEST " + path + " " + path + " null", "ERROR /error-page " + path + " null"),
                                CALLS.subList(before, CALLS.size()));
                        assertEquals(List.of(), d.takeAuthorization());
                        assertEquals(List.of(), d.takeAuthorization());
                    } else {
                        notCalled(forged, before, path + " forged");
                        Http2StreamChecks.wellFormed(forged, "401", "invalid_token", path + " forged");
                    }
                }
            }
        }
    }

    /**
     * Excluded paths in disguise under Jetty 12's URI compliance modes, over HTTP/1.1: a forged token
     * reaches the application only on a path it routes as an excluded one, as sent; a valid token is
     * never refused as an internal fault.
     */
    @ParameterizedTest
    @ValueSource(strings = {"DEFAULT", "LEGACY", "UNSAFE", "RFC3986", "UNAMBIGUOUS"})
    void excludedPathsInDisguise(String mode) throws Exception {
        UriCompliance compliance = UriCompliance.valueOf(mode);
        String[] paths = {"/health", "/health/", "/public/x", "/health/../orders", "/health/..;/orders", "/orders/..;/health",
                "/health;x=1", "/health;", "/orders/%2e%2e/health", "/orders/%2E%2E/health", "/public/%2e%2e/orders",
                "/public/..%2Forders", "/public%2Forders", "/public%2F..%2Forders", "//health", "/public//orders",
                "/orders//..//health", "/./health", "/public/./x", "/%68ealth", "/health%3Bx", "/orders/..%5Chealth",
                "/public/..\\orders", "/public/x%00", "/public/x/%2e", "/public/%2e", "/public/x/..", "/public/..",
                "/health/%2e%2e/orders", "/health/..%2forders"};
        String alice = Tokens.valid("alice");
        try (Downstream d = new Downstream(); Running server = new Running(compliance)) {
            downstream = d;
            String base = "http://localhost:" + server.port;
            for (String path : paths) {
                int before = CALLS.size();
                RawHttp.Response forged = RawHttp.get(base, path, RawHttp.bearer(FORGED));
                List<String> seen = new ArrayList<>(CALLS.subList(before, CALLS.size()));
                log(mode + " forged " + path + " -> " + forged.status + " " + seen);
                for (String call : seen) {
                    // Called with a forged token: only as an excluded path, routed as sent, without a token.
                    assertTrue(call.matches("(REQUEST|ERROR) (/health|/public/\\S*|/error-page) (/health|/public/\\S*) null"),
                            mode + " " + path + ": the application ran as " + call);
                    if (call.startsWith("REQUEST")) {
                        String[] parts = call.split(" ");
                        assertEquals(parts[1], parts[2], mode + " " + path + ": routed otherwise than sent: " + call);
                    }
                    assertEquals(List.of(), d.takeAuthorization(), mode + " " + path);
                }
                before = CALLS.size();
                RawHttp.Response valid = RawHttp.get(base, path, RawHttp.bearer(alice));
                seen = new ArrayList<>(CALLS.subList(before, CALLS.size()));
                log(mode + " alice " + path + " -> " + valid.status + " " + seen + " " + valid.header("www-authenticate"));
                assertTrue(valid.status != 401, mode + " " + path + ": alice refused: " + valid);
                for (int i = 0; i < seen.size(); i++) {
                    d.takeAuthorization();
                }
            }
        }
    }

    static final class AppServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String routed;
            try {
                routed = (request.getServletPath() == null ? "" : request.getServletPath())
                        + (request.getPathInfo() == null ? "" : request.getPathInfo());
            } catch (RuntimeException ambiguous) {
                routed = "<" + ambiguous.getClass().getSimpleName() + ">";
            }
            String uri = request.getDispatcherType() == jakarta.servlet.DispatcherType.ERROR
                    ? (String) request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) : request.getRequestURI();
            CALLS.add(request.getDispatcherType() + " " + routed + " " + uri + " " + request.getAttribute("jwt.agent.subject"));
            DownstreamClients.urlConnection(downstream.allowedUrl("/from-app"), null);
            if (request.getDispatcherType() == jakarta.servlet.DispatcherType.REQUEST) {
                if (routed.endsWith("/throws")) {
                    throw new IllegalStateException("the application failed");
                }
                if (routed.endsWith("/send-error")) {
                    response.sendError(500);
                    return;
                }
            }
            response.setContentType("text/plain");
            response.getWriter().println(request.getAttribute("jwt.agent.subject"));
        }
    }
}
