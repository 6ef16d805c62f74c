package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spring Boot service with {@code spring.threads.virtual.enabled=true}: Tomcat serves on virtual
 * threads and Spring Boot's task executor and {@code @Async} run on a virtual-thread
 * {@code SimpleAsyncTaskExecutor}. Each call carries its own caller's token, or none, also from Actuator's
 * health check on a separate management port (a second Tomcat, on virtual threads too).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringBootVirtualThreadsTest {
    private ChildJvm service;
    private Downstream downstream;
    private final String alice = Tokens.valid("alice");
    private int managementPort;

    @BeforeAll
    void start() throws Exception {
        downstream = new Downstream();
        managementPort = SpringBootApp.freePort();
        service = SpringBootApp.startAndAwait(SpringBootApp.withAgent().argument("--spring.threads.virtual.enabled=true")
                .argument("--management.server.port=" + managementPort), "/public/calls");
    }

    @AfterAll
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (downstream != null) {
            downstream.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"rest-client", "rest-client-on-reactor-netty", "jdk-client", "async-rest-client", "async-jdk-client", "task-executor"})
    void eachCallCarriesItsCallersTokenOrNone(String via) throws Exception {
        for (int i = 0; i < 3; i++) {
            RawHttp.Response allowed = RawHttp.get(service.baseUrl(), "/call?via=" + via + "&to=" + downstream.allowedUrl("/" + via),
                    RawHttp.bearer(alice));
            assertEquals(200, allowed.status, allowed + "\n" + service.output());
            assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "the token went downstream");
            RawHttp.Response without = RawHttp.get(service.baseUrl(), "/call?via=" + via + "&to=" + downstream.allowedUrl("/" + via));
            assertEquals(200, without.status, without.toString());
            assertEquals(List.of(), downstream.takeAuthorization(), "a request without a token sent one");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/call-callable", "/call-future", "/call-deferred"})
    void springMvcAsyncProcessingCarriesItsCallersTokenOrNone(String path) throws Exception {
        RawHttp.Response allowed = RawHttp.get(service.baseUrl(), path + "?to=" + downstream.allowedUrl(path), RawHttp.bearer(alice));
        assertEquals(200, allowed.status, allowed + "\n" + service.output());
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "the token went downstream");
        RawHttp.Response without = RawHttp.get(service.baseUrl(), path + "?to=" + downstream.allowedUrl(path));
        assertEquals(200, without.status, without.toString());
        assertEquals(List.of(), downstream.takeAuthorization(), "a request without a token sent one");
    }

    /** Actuator on its own port (not excluded here): the health check's call downstream carries the caller's token, or none. */
    @org.junit.jupiter.api.Test
    void aHealthCheckOnTheManagementPortCarriesItsCallersTokenOrNone() throws Exception {
        String management = "http://localhost:" + managementPort;
        RawHttp.get(service.baseUrl(), "/public/health-target?to=" + downstream.allowedUrl("/health-check"));
        try {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response health = RawHttp.get(management, "/actuator/health", RawHttp.bearer(alice));
                assertEquals(200, health.status, health + "\n" + service.output());
                assertTrue(health.body.contains("\"subject\":\"alice\""), health.toString());
                assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "the token went downstream");
                RawHttp.Response without = RawHttp.get(management, "/actuator/health");
                assertEquals(200, without.status, without.toString());
                assertTrue(without.body.contains("\"subject\":\"null\""), without.toString());
                assertEquals(List.of(), downstream.takeAuthorization(), "a request without a token sent one");
            }
        } finally {
            RawHttp.get(service.baseUrl(), "/public/health-target");
        }
    }
}
