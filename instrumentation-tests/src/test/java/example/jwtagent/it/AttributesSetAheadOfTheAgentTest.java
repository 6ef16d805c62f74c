package example.jwtagent.it;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.HandlerWrapper;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Something ahead of the agent puts {@code jwt.agent.subject} and {@code jwt.agent.claims} on a
 * request: a Tomcat valve into the servlet side's map, an AJP proxy whose attributes Tomcat lets
 * through ({@code allowedRequestAttributesPattern}) into the protocol side's, a Jetty 9.4 handler.
 * The application trusts these names to say what the agent verified, so on a request the agent
 * lets through without them (no token, an excluded path, a token without {@code sub}) they are
 * gone, and with a verified token they hold the token's values.
 */
class AttributesSetAheadOfTheAgentTest {
    private static OneContextTomcat tomcat;
    private static String tomcatBase;
    private static Server jetty;
    private static String jettyBase;

    @BeforeAll
    static void start() throws Exception {
        tomcat = new OneContextTomcat("attributes-ahead").servlet(new App(), false);
        tomcat.context.getPipeline().addValve(new FrontValve());
        tomcatBase = tomcat.start();

        jetty = new Server();
        ServerConnector connector = JettyJavaxServer.loopbackConnector(jetty);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new JavaxApp()), "/*");
        HandlerWrapper front = new HandlerWrapper() {
            @Override
            public void handle(String target, org.eclipse.jetty.server.Request base, javax.servlet.http.HttpServletRequest request,
                               javax.servlet.http.HttpServletResponse response) throws IOException, javax.servlet.ServletException {
                request.setAttribute("jwt.agent.subject", "admin");
                request.setAttribute("jwt.agent.claims", frontClaims());
                super.handle(target, base, request, response);
            }
        };
        front.setHandler(context);
        jetty.setHandler(front);
        jetty.start();
        jettyBase = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.close();
        jetty.stop();
    }

    private static Map<String, Object> frontClaims() {
        Map<String, Object> claims = new HashMap<>();
        claims.put("sub", "admin");
        claims.put("front", "yes");
        return claims;
    }

    /** Sets both names where the request's {@code X-Front} header says: Tomcat's map, or the protocol side's as AJP does. */
    static final class FrontValve extends ValveBase {
        FrontValve() {
            super(false);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            if ("protocol".equals(request.getHeader("X-Front"))) {
                request.getCoyoteRequest().setAttribute("jwt.agent.subject", "admin");
                request.getCoyoteRequest().setAttribute("jwt.agent.claims", frontClaims());
            } else {
                request.setAttribute("jwt.agent.subject", "admin");
                request.setAttribute("jwt.agent.claims", frontClaims());
            }
            getNext().invoke(request, response);
        }
    }

    static String answer(Object subject, Object claims) {
        Map<?, ?> map = claims instanceof Map ? (Map<?, ?>) claims : null;
        return "subject=" + subject + "\nclaims=" + (claims == null ? "none" : "present")
                + "\nfront=" + (map == null ? null : map.get("front")) + "\niss=" + (map == null ? null : map.get("iss")) + "\n";
    }

    static final class App extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.getWriter().write(answer(request.getAttribute("jwt.agent.subject"), request.getAttribute("jwt.agent.claims")));
        }
    }

    static final class JavaxApp extends javax.servlet.http.HttpServlet {
        @Override
        protected void service(javax.servlet.http.HttpServletRequest request, javax.servlet.http.HttpServletResponse response)
                throws IOException {
            response.getWriter().write(answer(request.getAttribute("jwt.agent.subject"), request.getAttribute("jwt.agent.claims")));
        }
    }

    private static RawHttp.Response get(String front, String path, String... headers) throws IOException {
        String[] lines = new String[headers.length + 1];
        System.arraycopy(headers, 0, lines, 0, headers.length);
        lines[headers.length] = "X-Front: " + front;
        return RawHttp.get(front.equals("jetty") ? jettyBase : tomcatBase, path, lines);
    }

    @ParameterizedTest
    @ValueSource(strings = {"servlet", "protocol", "jetty"})
    void aRequestWithoutATokenShowsNeitherName(String front) throws Exception {
        for (String path : new String[] {"/orders/1", "/public/page", "/health"}) {
            RawHttp.Response response = get(front, path);
            assertEquals(200, response.status, response.toString());
            assertEquals("null", response.field("subject"), path + ": " + response);
            assertEquals("none", response.field("claims"), path + ": " + response);
        }
        RawHttp.Response basic = get(front, "/orders/1", "Authorization: Basic YWRtaW46YWRtaW4=");
        assertEquals("null", basic.field("subject"), basic.toString());
        assertEquals("none", basic.field("claims"), basic.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"servlet", "protocol", "jetty"})
    void aTokenWithoutSubjectShowsItsClaimsAndNoSubject(String front) throws Exception {
        RawHttp.Response response = get(front, "/orders/1", RawHttp.bearer(Tokens.valid(null)));
        assertEquals(200, response.status, response.toString());
        assertEquals("null", response.field("subject"), response.toString());
        assertEquals("present", response.field("claims"), response.toString());
        assertEquals("null", response.field("front"), response.toString());
        assertEquals("https://issuer.test", response.field("iss"), response.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"servlet", "protocol", "jetty"})
    void aVerifiedTokenReplacesBoth(String front) throws Exception {
        RawHttp.Response response = get(front, "/orders/1", RawHttp.bearer(Tokens.valid("alice")));
        assertEquals(200, response.status, response.toString());
        assertEquals("alice", response.field("subject"), response.toString());
        assertEquals("null", response.field("front"), response.toString());
        assertEquals("https://issuer.test", response.field("iss"), response.toString());
    }
}
