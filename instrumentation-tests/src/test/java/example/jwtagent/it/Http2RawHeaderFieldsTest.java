package example.jwtagent.it;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ServletContainer;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tomcat 11 and Undertow 2.3 over HTTP/2 in clear text (prior knowledge), sent header blocks the usual
 * clients never send ({@link RawH2}): the same field twice, a field split as cookies may be, a name
 * in upper case, pseudo-headers repeated or out of place, a value with CR LF. A forged or expired
 * token never reaches the application, nor its downstream call; a request the agent refuses gets a
 * well-formed 401/400; the container may refuse a malformed stream itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Http2RawHeaderFieldsTest {
    /** What the application saw: "path subject downstream-status", one per call. */
    private static final List<String> CALLS = Collections.synchronizedList(new ArrayList<>());
    private static volatile Downstream downstream;

    private Tomcat tomcat;
    private int tomcatPort;
    private DeploymentManager manager;
    private Undertow undertow;
    private int undertowPort;
    private int undertowTlsPort;

    @BeforeAll
    void start() throws Exception {
        downstream = new Downstream();
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat-h2-raw").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.addUpgradeProtocol(new Http2Protocol());
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "app", new AppServlet());
        context.addServletMappingDecoded("/*", "app");
        tomcat.start();
        tomcatPort = connector.getLocalPort();

        DeploymentInfo deployment = Servlets.deployment()
                .setClassLoader(Http2RawHeaderFieldsTest.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("h2-raw")
                .addServlet(Servlets.servlet("app", AppServlet.class, new ImmediateInstanceFactory<>(new AppServlet())).addMapping("/*"));
        manager = ServletContainer.Factory.newInstance().addDeployment(deployment);
        manager.deploy();
        undertow = Undertow.builder()
                .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
                .addHttpListener(0, "127.0.0.1")
                .addHttpsListener(0, "127.0.0.1", TestTls.server())
                .setIoThreads(1)
                .setWorkerThreads(2)
                .setHandler(manager.start())
                .build();
        undertow.start();
        undertowPort = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        undertowTlsPort = ((InetSocketAddress) undertow.getListenerInfo().get(1).getAddress()).getPort();
    }

    @AfterAll
    void stop() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        undertow.stop();
        manager.stop();
        manager.undeploy();
        downstream.close();
    }

    private int port(String server) {
        return server.equals("tomcat") ? tomcatPort : undertowPort;
    }

    private static final String FORGED = Http2StreamChecks.FORGED;

    @ParameterizedTest
    @ValueSource(strings = {"tomcat", "undertow"})
    void headerFieldsAsSentOverHttp2(String server) throws Exception {
        Http2StreamChecks checks = new Http2StreamChecks("H2RAW", CALLS, downstream);
        String alice = Tokens.valid("alice");
        try (RawH2 h2 = new RawH2(port(server))) {
            // Valid three times: Tomcat's worker remembers the header.
            checks.oneConnection(h2, alice, "/orders alice 200");
            // Again valid, so that Tomcat's worker remembers it, then the same value with another field of the name.
            assertEquals("200", h2.get("/orders", "authorization", "Bearer " + alice).status);
            assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
            int before = CALLS.size();
            RawH2.Answer afterRemembered = h2.get("/orders", "authorization", "Bearer " + alice, "authorization", "Bearer " + FORGED);
            checks.notCalled(afterRemembered, before, "remembered, then twice");
        }
        checks.malformedFields(() -> new RawH2(port(server)), alice);
        checks.pseudoHeaderTricks(() -> new RawH2(port(server)), alice, "/(health|public/[^ ]*) null 200");
    }

    /**
     * The JDK client, which sends a header given twice as two fields: over h2 (TLS, ALPN) to Undertow and
     * over h2c (the upgrade, then streams) to Tomcat; the answers and what the application called downstream.
     */
    @ParameterizedTest
    @ValueSource(strings = {"undertow-h2-tls", "tomcat-h2c", "undertow-h2c"})
    void jdkClientOverHttp2(String where) throws Exception {
        java.net.http.HttpClient client = where.endsWith("tls") ? TestTls.jdkClient()
                : java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2).build();
        String base = where.endsWith("tls") ? "https://localhost:" + undertowTlsPort
                : "http://localhost:" + (where.startsWith("tomcat") ? tomcatPort : undertowPort);
        String alice = Tokens.valid("alice");
        String expired = Tokens.signed("late", b -> b.withExpiresAt(Instant.now().minusSeconds(120)));
        if (!where.endsWith("tls")) {
            // The connection's first request, with a forged token: over h2c, the upgrade request itself (stream 1).
            int before = CALLS.size();
            java.net.http.HttpResponse<String> first = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/orders"))
                    .header("Authorization", "Bearer " + FORGED).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            System.out.println("H2JDK " + where + " first request forged -> " + first.statusCode() + " " + first.version() + " " + first.headers().map());
            assertEquals(401, first.statusCode(), where);
            assertTrue(first.headers().firstValue("www-authenticate").orElse("").startsWith("Bearer error=\"invalid_token\""), where);
            assertEquals(before, CALLS.size(), where);
            assertNull(downstream.poll(100), where);
        }
        for (int i = 0; i < 3; i++) {
            int before = CALLS.size();
            java.net.http.HttpResponse<String> ok = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/orders"))
                    .header("Authorization", "Bearer " + alice).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals(java.net.http.HttpClient.Version.HTTP_2, ok.version(), where);
            assertEquals("/orders alice 200", CALLS.get(before));
            assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
        }
        String[][] refused = {{"Bearer " + FORGED}, {"Bearer " + expired}, {"Bearer " + alice, "Bearer " + alice},
                {"Bearer " + alice, "Bearer " + FORGED}, {"Bearer " + FORGED, "Bearer " + alice}, {"Bearer", alice}};
        for (String[] values : refused) {
            java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/orders"));
            for (String value : values) {
                request.header("Authorization", value);
            }
            int before = CALLS.size();
            java.net.http.HttpResponse<String> answer = client.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            String what = where + " " + String.join(" | ", values).replace(alice, "ALICE").replace(FORGED, "FORGED");
            System.out.println("H2JDK " + Tokens.masked(what) + " -> " + answer.statusCode() + " " + answer.version() + " " + answer.headers().map() + " " + answer.body());
            assertEquals(before, CALLS.size(), what);
            assertNull(downstream.poll(100), what);
            int status = values.length == 1 ? 401 : 400;
            assertEquals(status, answer.statusCode(), what);
            assertEquals(java.net.http.HttpClient.Version.HTTP_2, answer.version(), what);
            String error = status == 401 ? "invalid_token" : "invalid_request";
            assertTrue(answer.headers().firstValue("www-authenticate").orElse("").startsWith("Bearer error=\"" + error + "\""), what);
            assertEquals(List.of("no-store"), answer.headers().allValues("cache-control"), what);
            assertTrue(answer.headers().firstValue("content-type").orElse("").startsWith("application/json"), what);
            assertTrue(answer.body().matches("\\{\"error\":\"" + error + "\",\"error_description\":\"[^\"]+\"}"), what + " " + answer.body());
        }
    }

    static final class AppServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            int status = DownstreamClients.urlConnection(downstream.allowedUrl("/from-app"), null);
            String path = (request.getServletPath() == null ? "" : request.getServletPath())
                    + (request.getPathInfo() == null ? "" : request.getPathInfo());
            CALLS.add(path + " " + request.getAttribute("jwt.agent.subject") + " " + status);
            response.setContentType("text/plain");
            response.getWriter().println(request.getAttribute("jwt.agent.subject"));
        }
    }
}
