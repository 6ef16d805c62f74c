package example.jwtagent.it;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tomcat 11 behind a web server that forwards over AJP (mod_proxy_ajp), with a shared secret and a
 * pattern that lets the proxy set request attributes of the agent's names (a misconfiguration the
 * agent must survive). The token arrives in the AJP {@code authorization} header, by its code or by
 * name; the answers are the agent's, over AJP.
 */
class TomcatAjpTest {
    static final String SECRET = "proxy-secret";
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static OneContextTomcat tomcat;
    private static Downstream downstream;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        downstream = new Downstream();
        tomcat = new OneContextTomcat("ajp").servlet(new App(), false).ajp(SECRET, "jwt\\.agent\\..*");
        tomcat.start();
        port = tomcat.ajpPort();
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.close();
        downstream.close();
    }

    /** Calls the URL in the query parameter {@code downstream}, or this test's downstream, and says what it saw. */
    static final class App extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            CALLS.incrementAndGet();
            String url = request.getParameter("downstream");
            int status = DownstreamClients.urlConnection(url != null ? url : downstream.allowedUrl("/from-app"), null);
            response.setContentType("text/plain");
            response.getWriter().write("subject=" + request.getAttribute("jwt.agent.subject")
                    + "\nclaims=" + request.getAttribute("jwt.agent.claims") + "\ndownstream=" + status + "\n");
        }
    }

    private static String[] headers(String... nameValues) {
        return nameValues;
    }

    @Test
    void aValidTokenByCodeOrByNameReachesTheApplicationAndGoesOn() throws Exception {
        String alice = Tokens.valid("alice");
        for (String name : new String[] {"authorization", "=Authorization", "=authorization"}) {
            RawHttp.Response answer = RawAjp.get(port, SECRET, "/orders", headers(name, "Bearer " + alice));
            assertEquals(200, answer.status, name + ": " + answer);
            assertEquals("alice", answer.field("subject"), name + ": " + answer);
            assertEquals("Bearer " + alice, downstream.takeAuthorizationJoined(), name);
        }
    }

    @Test
    void aForgedOrDoubledTokenIsAnsweredByTheAgent() throws Exception {
        String alice = Tokens.valid("alice");
        String forged = Http2StreamChecks.FORGED;
        int before = CALLS.get();
        RawHttp.Response refused = RawAjp.get(port, SECRET, "/orders", headers("authorization", "Bearer " + forged));
        assertEquals(401, refused.status, refused.toString());
        assertTrue(refused.header("www-authenticate").startsWith("Bearer error=\"invalid_token\""), refused.toString());
        assertEquals("no-store", refused.header("cache-control"), refused.toString());
        assertTrue(refused.body.startsWith("{\"error\":\"invalid_token\""), refused.toString());
        RawHttp.Response doubled = RawAjp.get(port, SECRET, "/orders",
                headers("authorization", "Bearer " + alice, "=Authorization", "Bearer " + forged));
        assertEquals(400, doubled.status, doubled.toString());
        assertTrue(doubled.header("www-authenticate").startsWith("Bearer error=\"invalid_request\""), doubled.toString());
        assertEquals(before, CALLS.get(), "the application was called");
        assertNull(downstream.poll(100), "something reached the downstream");
    }

    @Test
    void attributesTheProxySetsUnderTheAgentsNamesNeverReachTheApplication() throws Exception {
        String[] spoofed = {"jwt.agent.subject", "admin", "jwt.agent.claims", "{\"sub\":\"admin\"}"};
        for (String path : new String[] {"/orders", "/health"}) {
            RawHttp.Response answer = RawAjp.get(port, SECRET, path, headers(), spoofed);
            assertEquals(200, answer.status, answer.toString());
            assertEquals("null", answer.field("subject"), path + ": " + answer);
            assertEquals("null", answer.field("claims"), path + ": " + answer);
            assertNull(downstream.takeAuthorizationJoined(), path);
        }
        RawHttp.Response alice = RawAjp.get(port, SECRET, "/orders", headers("authorization", "Bearer " + Tokens.valid("alice")), spoofed);
        assertEquals("alice", alice.field("subject"), alice.toString());
        assertTrue(alice.field("claims").contains("sub=alice"), alice.toString());
        assertTrue(downstream.takeAuthorizationJoined().startsWith("Bearer "));
    }

    /**
     * In monitor mode, in a JVM of its own so that its log can be read: a forged token goes on as
     * no token, and the proxy's attributes are removed from that request too; the warning names the
     * attribute once, never its value, and no token appears in the log.
     */
    @Test
    void inMonitorModeAForgedTokensRequestLosesTheProxysAttributesAndTheLogSaysSo() throws Exception {
        String[] spoofed = {"jwt.agent.subject", "admin-from-the-proxy", "jwt.agent.claims", "claims-from-the-proxy"};
        try (ChildJvm child = ChildJvm.main(AjpChild.class).agentSetting("mode", "monitor").start()) {
            String path = "/orders?downstream=" + java.net.URLEncoder.encode(downstream.allowedUrl("/from-child"), "UTF-8");
            for (int i = 0; i < 3; i++) {
                RawHttp.Response forged = RawAjp.get(child.port(), SECRET, path, headers("authorization", "Bearer " + Http2StreamChecks.FORGED), spoofed);
                assertEquals(200, forged.status, forged.toString());
                assertEquals("null", forged.field("subject"), forged.toString());
                assertEquals("null", forged.field("claims"), forged.toString());
                assertNull(downstream.takeAuthorizationJoined(), "an unverified token went downstream");
            }
            String log = child.output();
            assertEquals(1, log.split("removed request attribute jwt.agent.subject", -1).length - 1, Tokens.masked(log));
            assertTrue(!log.contains("from-the-proxy"), "the log quotes an attribute's value: " + Tokens.masked(log));
            assertEquals(log, Tokens.masked(log), "a token in the log");
        }
    }
}
