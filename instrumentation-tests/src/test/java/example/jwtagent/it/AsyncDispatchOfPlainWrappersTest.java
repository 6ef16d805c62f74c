package example.jwtagent.it;

import jakarta.servlet.Filter;
import jakarta.servlet.GenericServlet;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Tomcat 11 (and Jetty 9.4 below). An application's filter starts async with plain (not HTTP) wrappers of the request and
 * response, {@code startAsync(new ServletRequestWrapper(req), new ServletResponseWrapper(resp))}, and
 * dispatches: the container hands the servlet those wrappers. The async dispatch restores the
 * request's token (SPEC 3), so a call the filter makes there carries it.
 */
class AsyncDispatchOfPlainWrappersTest {
    private static OneContextTomcat tomcat;
    private static String base;
    private static Downstream downstream;

    @BeforeAll
    static void start() throws Exception {
        downstream = new Downstream();
        Filter filter = (request, response, chain) -> request.startAsync(new ServletRequestWrapper(request),
                new ServletResponseWrapper(response)).dispatch();
        tomcat = new OneContextTomcat("async-plain-wrappers").filter("plain", filter, "/*", true);
        // The dispatch of plain wrappers reaches a servlet that is not an HttpServlet (one would refuse them).
        Tomcat.addServlet(tomcat.context, "app", new GenericServlet() {
            @Override
            public void service(ServletRequest request, ServletResponse response) throws IOException {
                DownstreamClients.urlConnection(downstream.allowedUrl("/after-dispatch"), null);
                response.getOutputStream().print(request.getDispatcherType() + " subject=" + request.getAttribute("jwt.agent.subject"));
            }
        }).setAsyncSupported(true);
        tomcat.context.addServletMappingDecoded("/*", "app");
        base = tomcat.start();
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.close();
        downstream.close();
    }

    /** Jetty 9.4 (javax): the same, from a servlet that dispatches plain wrappers of its request and response to itself. */
    @Test
    void onJetty94TheAsyncDispatchOfPlainWrappersKeepsTheRequestsToken() throws Exception {
        org.eclipse.jetty.server.Server jetty = new org.eclipse.jetty.server.Server();
        org.eclipse.jetty.server.ServerConnector connector = LoopbackJetty.start(jetty, new javax.servlet.http.HttpServlet() {
        }, context -> {
            org.eclipse.jetty.servlet.ServletHolder plain = new org.eclipse.jetty.servlet.ServletHolder(new javax.servlet.GenericServlet() {
                @Override
                public void service(javax.servlet.ServletRequest request, javax.servlet.ServletResponse response) throws IOException {
                    if (request.getDispatcherType() == javax.servlet.DispatcherType.REQUEST) {
                        request.startAsync(new javax.servlet.ServletRequestWrapper(request), new javax.servlet.ServletResponseWrapper(response))
                                .dispatch();
                        return;
                    }
                    DownstreamClients.urlConnection(downstream.allowedUrl("/after-dispatch"), null);
                    response.getOutputStream().print(request.getDispatcherType() + " subject=" + request.getAttribute("jwt.agent.subject"));
                }
            });
            plain.setAsyncSupported(true);
            context.addServlet(plain, "/plain/*");
        });
        try {
            String alice = Tokens.valid("alice");
            RawHttp.Response response = RawHttp.get("http://localhost:" + connector.getLocalPort(), "/plain/x", RawHttp.bearer(alice));
            assertEquals(200, response.status, response.toString());
            assertEquals("ASYNC subject=alice", response.body);
            var arrived = downstream.poll(5000);
            assertNotNull(arrived, "the async dispatch called downstream");
            assertEquals("Bearer " + alice, arrived.getHeaders().get("Authorization"));
        } finally {
            jetty.stop();
        }
    }

    @Test
    void theAsyncDispatchOfPlainWrappersKeepsTheRequestsToken() throws Exception {
        String alice = Tokens.valid("alice");
        RawHttp.Response response = RawHttp.get(base, "/plain", RawHttp.bearer(alice));
        assertEquals(200, response.status, response.toString());
        assertEquals("ASYNC subject=alice", response.body);
        var arrived = downstream.poll(5000);
        assertNotNull(arrived, "the async dispatch called downstream");
        assertEquals("Bearer " + alice, arrived.getHeaders().get("Authorization"));
    }
}
