package example.jwtagent.it;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ValveBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ProtocolException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults inside instrumented code, in JVMs running the agent: they never reach the application,
 * inbound fails closed with 401, and each fault is logged once with its cause. No test switch in
 * the agent: the faults come from what an application or a key server can really hand the agent
 * (a request wrapper whose header enumeration breaks, a JWKS document that cannot be used).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InternalFaultTest {
    /** Requests with this header get a request wrapper whose Authorization enumeration throws. */
    private static final String BREAK_HEADERS = "X-Break-Headers";
    /** Requests with this header get a request wrapper whose getHeaders itself throws (inside the servlet advice). */
    private static final String BREAK_GET_HEADERS = "X-Break-Get-Headers";

    private Tomcat tomcat;
    private int port;
    private final AtomicInteger servletCalls = new AtomicInteger();

    /**
     * Thrown by the broken request wrapper; its own type, so the agent's log-once key is fresh. Its
     * message quotes the header value it failed on, as a careless wrapper's might, before the agent
     * has read any value: the agent must not log it.
     */
    static final class BrokenHeaderEnumeration extends RuntimeException {
        BrokenHeaderEnumeration(String value) {
            super("the wrapped request's header enumeration broke on " + value);
        }
    }

    /** Its message quotes the header, as a careless wrapper's might: the agent must not log it. */
    static final class BrokenGetHeaders extends RuntimeException {
        BrokenGetHeaders(String value) {
            super("the wrapped request's getHeaders broke on " + value);
        }
    }

    /**
     * A container component (not an application filter) that wraps the request before the filter
     * chain, as security and logging valves do; this one breaks header reading on demand.
     */
    static final class BreakingValve extends ValveBase {
        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            if (request.getHeader(BREAK_GET_HEADERS) != null) {
                request.setRequest(new HttpServletRequestWrapper(request.getRequest()) {
                    @Override
                    public Enumeration<String> getHeaders(String name) {
                        throw new BrokenGetHeaders(getHeader(name));
                    }
                });
            }
            if (request.getHeader(BREAK_HEADERS) != null) {
                request.setRequest(new HttpServletRequestWrapper(request.getRequest()) {
                    @Override
                    public Enumeration<String> getHeaders(String name) {
                        Enumeration<String> real = super.getHeaders(name);
                        return new Enumeration<>() {
                            @Override
                            public boolean hasMoreElements() {
                                return real.hasMoreElements();
                            }

                            @Override
                            public String nextElement() {
                                throw new BrokenHeaderEnumeration(real.nextElement());
                            }
                        };
                    }
                });
            }
            getNext().invoke(request, response);
        }
    }

    @BeforeAll
    void start() throws Exception {
        File base = Files.createTempDirectory("tomcat-faults").toFile();
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.getAbsolutePath());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.getAbsolutePath());
        context.getPipeline().addValve(new BreakingValve());
        Tomcat.addServlet(context, "app", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                servletCalls.incrementAndGet();
                response.setContentType("text/plain");
                response.getOutputStream().write(("subject=" + request.getAttribute("jwt.agent.subject") + "\n").getBytes(StandardCharsets.UTF_8));
            }
        });
        context.addServletMappingDecoded("/*", "app");
        tomcat.start();
        port = connector.getLocalPort();
    }

    @AfterAll
    void stop() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }

    @Test
    void aFaultWhileTheAgentReadsTheRequestFailsClosedWith401AndIsLoggedOnce() throws Exception {
        String token = Tokens.valid("alice");
        int before = servletCalls.get();
        String log = capturingStandardError(() -> {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response response = RawHttp.get("http://127.0.0.1:" + port, "/orders", RawHttp.bearer(token), BREAK_HEADERS + ": 1");
                assertEquals(401, response.status);
                assertEquals("Bearer error=\"invalid_token\", error_description=\"internal error\"", response.header("WWW-Authenticate"));
                assertFalse(response.body.contains(BrokenHeaderEnumeration.class.getSimpleName()), "no exception text reaches the client");
            }
            return null;
        });
        assertEquals(before, servletCalls.get(), "the application is never called");
        AdversarialRunner.assertNoTokenMaterial("the agent's log", log, List.of(token));
        assertEquals(1, count(log, "internal fault while deciding on a request"), log);
        assertEquals(1, count(log, BrokenHeaderEnumeration.class.getName() + ": <message withheld>"), log);

        RawHttp.Response next = RawHttp.get("http://127.0.0.1:" + port, "/orders", RawHttp.bearer(token));
        assertEquals("alice", next.field("subject"), "the next request is served normally");
    }

    /**
     * The same fault one step earlier, in the servlet entry hook itself (reading the headers)
     * rather than in the decision it calls: the hook answers 401, the application is not called,
     * and the fault is logged once.
     */
    @Test
    void aFaultInTheServletAdviceItselfAlsoAnswers401AndIsLoggedOnce() throws Exception {
        String token = Tokens.valid("alice");
        int before = servletCalls.get();
        String log = capturingStandardError(() -> {
            for (int i = 0; i < 2; i++) {
                RawHttp.Response response = RawHttp.get("http://127.0.0.1:" + port, "/orders", RawHttp.bearer(token), BREAK_GET_HEADERS + ": 1");
                assertEquals(401, response.status);
                assertEquals("Bearer error=\"invalid_token\", error_description=\"internal error\"", response.header("WWW-Authenticate"));
            }
            return null;
        });
        assertEquals(before, servletCalls.get(), "the application is never called");
        AdversarialRunner.assertNoTokenMaterial("the agent's log", log, List.of(token));
        assertEquals(1, count(log, BrokenGetHeaders.class.getName()), log);
    }

    /**
     * An application that touched a connection before a token was current (here getOutputStream
     * without doOutput: refused, but the connection is now "connecting", and no header can be set
     * on it any more) and sends it while one is. The call must succeed; and since the agent adds
     * its header as the JDK writes the request, not through the connection's setters, the request
     * carries the token (before that change, it went without).
     */
    @Test
    void aConnectionTouchedBeforeATokenWasCurrentGetsTheTokenWhenSent() throws Exception {
        try (Downstream downstream = new Downstream()) {
            HttpURLConnection connection = (HttpURLConnection) new URL(downstream.allowedUrl("/late")).openConnection();
            assertThrows(ProtocolException.class, connection::getOutputStream);
            String token = Tokens.valid("alice");
            int status = CurrentToken.with(token, () -> {
                int code = connection.getResponseCode();
                try (InputStream body = connection.getInputStream()) {
                    body.readAllBytes();
                }
                return code;
            });
            assertEquals(200, status, "the application's call succeeds");
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), "with the token");
        }
    }

    /**
     * The JWKS endpoint serves a document that cannot be used (not JSON, then no usable key): the
     * agent keeps answering 401 unknown key (fail closed), logs the failure once (not per
     * attempt), counts key_fetch_failures, and recovers on its own when the endpoint does.
     */
    @Test
    void aBrokenKeySourceFailsClosedLogsOnceAndRecovers() throws Exception {
        AtomicInteger mode = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        String[] broken = {"{\"keys\":[{\"kty\":\"RSA\",\"n\":42,\"e\":true}]}", "<html>not json</html>", "{\"keys\":" + "[".repeat(64) + "]".repeat(64) + "}"};
        MockWebServer jwks = new MockWebServer();
        jwks.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                int m = mode.get();
                String body = m < 0 ? AdversarialKeys.jwks() : broken[served.getAndIncrement() % broken.length];
                return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(body).build();
            }
        });
        jwks.start(InetAddress.getByName("127.0.0.1"), 0);
        AgentChild child = AgentChild.start("broken-jwks", List.of("jwks-url=http://127.0.0.1:" + jwks.getPort() + "/jwks.json",
                "issuer=" + Tokens.ISSUER, "audience=" + Tokens.AUDIENCE, "outbound.allowed-hosts=localhost",
                "jwks.refresh-interval=1s", "jwks.min-refetch-interval=1s", "log.level=info"));
        try {
            child.awaitReady();
            String token = AdversarialCases.good(ChildAgents.Target.JWKS, "alice");
            waitFor(() -> jwks.getRequestCount() >= 2, "two failed fetches");
            for (int i = 0; i < 3; i++) {
                RawHttp.Response response = RawHttp.get(child.baseUrl(), "/echo", RawHttp.bearer(token));
                assertEquals(401, response.status);
                assertEquals("Bearer error=\"invalid_token\", error_description=\"unknown key\"", response.header("WWW-Authenticate"));
            }
            assertEquals(0, child.servletCalls(), "the application is never called");
            Map<String, Long> metrics = child.metrics();
            assertTrue(metrics.get("key_fetch_failures") >= 2, metrics.toString());

            mode.set(-1);
            waitFor(() -> RawHttp.get(child.baseUrl(), "/echo", RawHttp.bearer(token)).status == 200, "recovery");
            assertEquals("alice", RawHttp.get(child.baseUrl(), "/echo", RawHttp.bearer(token)).field("subject"));
            String output = child.output();
            AdversarialRunner.assertNoTokenMaterial("the child's output", output, List.of(token));
            // The first document parses with no usable key, the others do not parse: one line in all.
            assertEquals(1, count(output, "cannot fetch signing keys") + count(output, "no usable signing keys"),
                    "one line for the failure, not one per attempt: " + output);
            assertEquals(1, count(output, "loaded 2 signing keys"), output);
        } finally {
            child.close();
            jwks.close();
        }
    }

    private static void waitFor(Callable<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }

    /** What this JVM prints to standard error meanwhile; the agent's logger writes to the current System.err. */
    private static String capturingStandardError(Callable<Void> action) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.call();
        } finally {
            System.setErr(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
