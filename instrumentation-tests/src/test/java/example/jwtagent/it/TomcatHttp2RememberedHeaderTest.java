package example.jwtagent.it;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tomcat 11 over HTTP/2 (h2c), where Tomcat holds a header value as a String rather than as bytes:
 * the worker's remembered header must be judged as over HTTP/1.1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TomcatHttp2RememberedHeaderTest {
    private static final AtomicInteger CALLS = new AtomicInteger();
    private Tomcat tomcat;
    private String baseUrl;
    private HttpClient client;

    @BeforeAll
    void start() throws Exception {
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat-h2").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", "2");
        connector.setProperty("minSpareThreads", "1");
        connector.addUpgradeProtocol(new Http2Protocol());
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "echo", new EchoServlet());
        context.addServletMappingDecoded("/*", "echo");
        tomcat.start();
        baseUrl = "http://localhost:" + connector.getLocalPort();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    }

    @AfterAll
    void stop() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }

    private HttpResponse<String> get(String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/echo"));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void rememberedHeaderOverHttp2() throws Exception {
        String token = Tokens.valid("alice");
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> ok = get("Bearer " + token);
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("alice", ok.body().trim());
        }
        assertEquals(HttpClient.Version.HTTP_2, get("Bearer " + token).version());
        int middle = token.length() - 10;
        String forged = token.substring(0, middle) + (token.charAt(middle) == 'A' ? 'B' : 'A') + token.substring(middle + 1);
        int before = CALLS.get();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> refused = get("Bearer " + forged);
            assertEquals(401, refused.statusCode(), refused.body());
            HttpResponse<String> extra = get("Bearer " + token + " x");
            assertEquals(400, extra.statusCode(), extra.body());
        }
        assertEquals(before, CALLS.get());
        for (int i = 0; i < 4; i++) {
            assertEquals("alice", get("bearer " + token).body().trim());
            assertEquals("alice", get("Bearer " + token).body().trim());
        }

        String shortLived = Tokens.signed("short-lived", b -> b.withExpiresAt(Instant.now().minusSeconds(25)));
        for (int i = 0; i < 6; i++) {
            assertEquals("short-lived", get("Bearer " + shortLived).body().trim());
        }
        // Valid for 5 s more under the 30 s clock skew: time enough for the six requests on a loaded machine.
        Thread.sleep(5500);
        before = CALLS.get();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> late = get("Bearer " + shortLived);
            assertEquals(401, late.statusCode(), late.body());
            assertTrue(late.headers().firstValue("WWW-Authenticate").orElse("").contains("token expired"));
        }
        assertEquals(before, CALLS.get());
    }

    static final class EchoServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            CALLS.incrementAndGet();
            response.setContentType("text/plain");
            response.getWriter().println(request.getAttribute("jwt.agent.subject"));
        }
    }
}
