package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spring Boot service with Spring MVC's DispatcherServlet under a servlet path
 * ({@code spring.mvc.servlet.path=/app}) and graceful shutdown ({@code server.shutdown=graceful}).
 * The globs match the servlet path plus the path info, so {@code /actuator/**} does not cover
 * {@code /app/actuator/health} (the README's rule: write {@code /app/actuator/**}); a request in
 * flight when the service shuts down gracefully on SIGTERM still calls downstream with its caller's token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpringBootServletPathTest {
    private ChildJvm service;
    private Downstream slow;
    private final String alice = Tokens.valid("alice");

    @BeforeAll
    void start() throws Exception {
        slow = Downstream.slow(3000);
        service = SpringBootApp.startAndAwait(SpringBootApp.withAgent()
                .agentSetting("inbound.exclude-paths", "/app/public/**,/actuator/**")
                .argument("--spring.mvc.servlet.path=/app")
                .argument("--server.shutdown=graceful"), "/app/public/probe-counts");
    }

    @AfterAll
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (slow != null) {
            slow.close();
        }
    }

    private String forged() {
        return alice.substring(0, alice.lastIndexOf('.') + 1) + "AAAA" + alice.substring(alice.lastIndexOf('.') + 5);
    }

    @Test
    @Order(1)
    void theGlobsMatchTheServletPathPlusThePathInfo() throws Exception {
        RawHttp.Response valid = RawHttp.get(service.baseUrl(), "/app/probe/whoami", RawHttp.bearer(alice));
        assertEquals(200, valid.status, valid + "\n" + service.output());
        assertEquals("subject=alice", valid.body.trim());

        RawHttp.Response health = RawHttp.get(service.baseUrl(), "/app/actuator/health", RawHttp.bearer(forged()));
        assertEquals(401, health.status, "/actuator/** does not cover /app/actuator/health: " + health);

        RawHttp.Response excluded = RawHttp.get(service.baseUrl(), "/app/public/probe-counts", RawHttp.bearer(forged()));
        assertEquals(200, excluded.status, "/app/public/** covers it: " + excluded);

        RawHttp.Response refused = RawHttp.get(service.baseUrl(), "/app/probe/fail", RawHttp.bearer(forged()));
        assertEquals(401, refused.status, refused.toString());
        assertTrue(refused.body.contains("\"error\":\"invalid_token\""), refused.body);
    }

    @Test
    @Order(2)
    void aRequestInFlightAtAGracefulShutdownCallsDownstreamWithItsToken() throws Exception {
        CompletableFuture<RawHttp.Response> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return RawHttp.get(service.baseUrl(), "/app/call?via=rest-client&to=" + slow.allowedUrl("/in-flight"), RawHttp.bearer(alice));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        // Downstream has the request (it answers after 3 s): shut the service down now.
        mockwebserver3.RecordedRequest recorded = slow.take();
        assertEquals(List.of("Bearer " + alice), recorded.getHeaders().values("Authorization"));
        // As a platform stops a container: SIGTERM, so Spring Boot's shutdown hook runs the graceful shutdown.
        java.util.regex.Matcher pid = java.util.regex.Pattern.compile("with PID (\\d+)").matcher(service.output());
        assertTrue(pid.find(), service.output());
        ProcessHandle child = ProcessHandle.of(Long.parseLong(pid.group(1))).orElseThrow();
        assertTrue(child.destroy(), "SIGTERM");
        CompletableFuture<ProcessHandle> closing = child.onExit();
        RawHttp.Response response = inFlight.get(20, TimeUnit.SECONDS);
        assertEquals(200, response.status, response + "\n" + service.output());
        assertTrue(response.body.startsWith("200 "), response.body);
        closing.get(30, TimeUnit.SECONDS);
        assertTrue(service.output().contains("Graceful shutdown"), service.output());
    }
}
