package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ErrorPageErrorHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.servlet.AsyncContext;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Jetty 9.4: bob's request goes async and waits; alice's request, on another thread, sends an error
 * on bob's response and completes his async context, and Jetty runs bob's error dispatch (his error
 * page) right there, on alice's thread, inside alice's servlet call. Bob's error page runs with his
 * own token, or none when he sent none, also when the application put alice's claims on his
 * request. Before, it ran with alice's: its downstream call carried her token.
 */
class JettyInlineErrorDispatchTest {
    private static volatile AsyncContext parked;
    /** Completed by a request of carol's; alice's request registers a stage on it that ends bob's waiting request. */
    private static volatile CompletableFuture<Void> news;
    private static Server server;
    private static ServerConnector connector;
    private static Downstream downstream;

    @BeforeAll
    static void start() throws Exception {
        downstream = new Downstream();
        server = new Server();
        connector = LoopbackJetty.start(server, new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                switch (request.getRequestURI()) {
                    case "/park": {
                        AsyncContext async = request.startAsync();
                        async.setTimeout(0);
                        parked = async;
                        break;
                    }
                    case "/wake":
                    case "/wake-copying-claims": {
                        if (request.getRequestURI().equals("/wake-copying-claims")) {
                            // The application puts alice's claims on bob's request: they name her token, which bob's request does not carry.
                            parked.getRequest().setAttribute("jwt.agent.claims", request.getAttribute("jwt.agent.claims"));
                        }
                        ((HttpServletResponse) parked.getResponse()).sendError(500, "boom");
                        parked.complete();
                        response.getWriter().print("woke");
                        break;
                    }
                    case "/subscribe":
                        // Alice's stage: it runs on whichever thread completes the future, with her token.
                        news.thenRun(() -> {
                            try {
                                ((HttpServletResponse) parked.getResponse()).sendError(500, "boom");
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                            parked.complete();
                        });
                        response.getWriter().print("subscribed");
                        break;
                    case "/publish":
                    case "/public/publish":
                        news.complete(null);
                        response.getWriter().print("published");
                        break;
                    default:
                        // The error page: calls downstream with no header of its own.
                        DownstreamClients.urlConnection(downstream.allowedUrl("/from-the-error-page"), null);
                        response.getWriter().print("error page");
                }
            }
        }, context -> {
            ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
            errors.addErrorPage(500, "/err");
            context.setErrorHandler(errors);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        server.stop();
        downstream.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bob", "", "-copying-claims"})
    void anErrorPageRunInlineOnAnotherRequestsThreadRunsWithItsOwnRequestsToken(String bob) throws Exception {
        String wake = bob.startsWith("-") ? "/wake" + bob : "/wake";
        String bobs = bob.isEmpty() || bob.startsWith("-") ? null : Tokens.valid(bob);
        parked = null;
        try (Socket parking = new Socket("127.0.0.1", connector.getLocalPort())) {
            parking.setSoTimeout(4000);
            HeldSockets.send(parking, "/park", bobs);
            HeldSockets.awaitParked(() -> parked);
            try (Socket waking = new Socket("127.0.0.1", connector.getLocalPort())) {
                waking.setSoTimeout(4000);
                HeldSockets.send(waking, wake, Tokens.valid("alice"));
                HeldSockets.readAll(waking);
            }
            HeldSockets.readAll(parking);
        }
        RecordedRequest call = downstream.poll(5000);
        assertNotNull(call, "bob's error page called downstream");
        assertEquals(bobs == null ? null : "Bearer " + bobs, call.getHeaders().get("Authorization"));
    }

    /**
     * Bob, who sent no token, waits; alice's request registers a stage on a future; carol's request,
     * without a token (or on an excluded path), completes it, and alice's stage, running on carol's
     * thread with alice's token, ends bob's request with an error, whose page Jetty runs right there.
     * Bob's error page must run with no token: carol's request and bob's are both decided without
     * one, which does not make them the same request. Before, it ran with alice's.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/publish", "/public/publish"})
    void anErrorPageRunInlineFromAnotherCallersStageRunsWithoutThatCallersToken(String publish) throws Exception {
        parked = null;
        news = new CompletableFuture<>();
        try (Socket parking = new Socket("127.0.0.1", connector.getLocalPort())) {
            parking.setSoTimeout(4000);
            HeldSockets.send(parking, "/park", null);
            HeldSockets.awaitParked(() -> parked);
            try (Socket subscribing = new Socket("127.0.0.1", connector.getLocalPort())) {
                subscribing.setSoTimeout(4000);
                HeldSockets.send(subscribing, "/subscribe", Tokens.valid("alice"));
                HeldSockets.readAll(subscribing);
            }
            try (Socket publishing = new Socket("127.0.0.1", connector.getLocalPort())) {
                publishing.setSoTimeout(4000);
                // On the excluded path carol's valid token is not taken: her request carries none either way.
                HeldSockets.send(publishing, publish, publish.startsWith("/public") ? Tokens.valid("carol") : null);
                HeldSockets.readAll(publishing);
            }
            HeldSockets.readAll(parking);
        }
        RecordedRequest call = downstream.poll(5000);
        assertNotNull(call, "bob's error page called downstream");
        assertEquals("/from-the-error-page", call.getUrl().encodedPath());
        assertEquals(null, call.getHeaders().get("Authorization"), "bob's error page ran with alice's token");
    }
}
