package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Spring Boot 4 service (Spring MVC on the embedded Tomcat; module {@code spring-boot-app}) run
 * as Spring Boot's executable jar, {@code java -javaagent:jwt-agent.jar -jar app.jar}: every class
 * of the application and its libraries loads from a nested jar through Spring Boot's launcher
 * class loader, where the agent finds servlets, executors and clients by reading class files
 * through that loader. The service calls downstream with RestClient (on Apache HttpClient 5, which
 * it has, on the JDK client, and on Reactor Netty 1.3, which Spring Boot 4 brings), with the JDK HttpClient, from an {@code @Async} method, from the
 * task executor Spring Boot configures, and from Spring MVC's async request processing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpringBootJarTest {
    private ChildJvm service;
    private Downstream downstream;
    private final String alice = Tokens.valid("alice");

    @BeforeAll
    void start() throws Exception {
        Path jar = Paths.get(System.getProperty("spring.boot.app.jar"));
        assertTrue(Files.isRegularFile(jar), "no " + jar + ": build it first (mvn package -pl instrumentation-tests/spring-boot-app)");
        downstream = new Downstream();
        long started = System.nanoTime();
        service = ChildJvm.executableJar(jar).argument("--server.port=0").start();
        RawHttp.Response first = RawHttp.get(service.baseUrl(), "/public/calls");
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(200, first.status, first + "\n" + service.output());
        // For the record: the figure to compare with the same jar run without the agent.
        System.out.println("Spring Boot executable jar with the agent: first answer " + millis + " ms after launch");
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
    @ValueSource(strings = {"rest-client", "rest-client-on-jdk-client", "rest-client-on-reactor-netty", "jdk-client", "async-rest-client", "async-jdk-client", "task-executor"})
    void aValidTokenGoesDownstreamToAnAllowedHostOnly(String via) throws Exception {
        RawHttp.Response allowed = RawHttp.get(service.baseUrl(), "/call?via=" + via + "&to=" + downstream.allowedUrl("/" + via),
                RawHttp.bearer(alice));
        assertEquals(200, allowed.status, allowed + "\n" + service.output());
        assertTrue(allowed.body.startsWith("200 "), allowed.body);
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "the token went downstream");

        RawHttp.Response notAllowed = RawHttp.get(service.baseUrl(), "/call?via=" + via + "&to=" + downstream.notAllowedUrl("/" + via),
                RawHttp.bearer(alice));
        assertEquals(200, notAllowed.status, notAllowed.toString());
        assertEquals(List.of(), downstream.takeAuthorization(), "the token went to a host not allowed");

        RawHttp.Response without = RawHttp.get(service.baseUrl(), "/call?via=" + via + "&to=" + downstream.allowedUrl("/" + via));
        assertEquals(200, without.status, without.toString());
        assertEquals(List.of(), downstream.takeAuthorization(), "a request without a token sent one (a pooled thread kept alice's)");
    }

    /** Spring MVC's async request processing: a Callable, an {@code @Async} method's future, a DeferredResult. */
    @ParameterizedTest
    @ValueSource(strings = {"/call-callable", "/call-future", "/call-deferred"})
    void aValidTokenGoesDownstreamFromSpringMvcAsyncProcessing(String path) throws Exception {
        RawHttp.Response allowed = RawHttp.get(service.baseUrl(), path + "?to=" + downstream.allowedUrl(path), RawHttp.bearer(alice));
        assertEquals(200, allowed.status, allowed + "\n" + service.output());
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "the token went downstream");

        RawHttp.Response notAllowed = RawHttp.get(service.baseUrl(), path + "?to=" + downstream.notAllowedUrl(path), RawHttp.bearer(alice));
        assertEquals(200, notAllowed.status, notAllowed.toString());
        assertEquals(List.of(), downstream.takeAuthorization(), "the token went to a host not allowed");

        RawHttp.Response without = RawHttp.get(service.baseUrl(), path + "?to=" + downstream.allowedUrl(path));
        assertEquals(200, without.status, without.toString());
        assertEquals(List.of(), downstream.takeAuthorization(), "a request without a token sent one");
    }

    @Test
    void theControllerSeesTheVerifiedSubject() throws Exception {
        assertEquals("alice", RawHttp.get(service.baseUrl(), "/whoami", RawHttp.bearer(alice)).body);
        assertEquals("null", RawHttp.get(service.baseUrl(), "/whoami").body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"expired", "bad-signature", "wrong-audience", "malformed"})
    void aBadTokenGets401WithTheBearerChallengeAndTheControllerIsNotCalled(String kind) throws Exception {
        String token;
        switch (kind) {
            case "expired":
                token = Tokens.signed("mallory", b -> b.withIssuedAt(Instant.now().minusSeconds(7200)).withExpiresAt(Instant.now().minusSeconds(3600)));
                break;
            case "bad-signature":
                token = alice.substring(0, alice.lastIndexOf('.') + 1) + "AAAA" + alice.substring(alice.lastIndexOf('.') + 5);
                break;
            case "wrong-audience":
                token = Tokens.signed("mallory", b -> b.withAudience("billing"));
                break;
            default:
                token = "not.a.jwt";
        }
        String callsBefore = RawHttp.get(service.baseUrl(), "/public/calls").body;
        int downstreamBefore = downstream.requestCount();
        RawHttp.Response refused = RawHttp.get(service.baseUrl(), "/call?via=rest-client&to=" + downstream.allowedUrl("/refused"),
                RawHttp.bearer(token));
        assertEquals(401, refused.status, refused.toString());
        assertTrue(refused.header("WWW-Authenticate").startsWith("Bearer error=\"invalid_token\""), refused.toString());
        assertEquals(callsBefore, RawHttp.get(service.baseUrl(), "/public/calls").body, "the controller ran");
        assertEquals(downstreamBefore, downstream.requestCount(), "a call went downstream");
    }

    /** Last: after every client and executor was loaded and used. */
    @Test
    @Order(Integer.MAX_VALUE)
    void theLogHasOneStartupLineNoAgentWarningOrFaultAndNoToken() throws Exception {
        RawHttp.get(service.baseUrl(), "/whoami", RawHttp.bearer(alice));
        String output = service.output();
        assertEquals(1, output.split(" INFO jwt-agent.startup - jwt-agent .* started in ", -1).length - 1, output);
        List<String> agentTrouble = output.lines()
                .filter(line -> line.matches(".* (WARN|ERROR) jwt-agent\\..*") || line.contains("Exception") || line.contains("Error:"))
                .collect(Collectors.toList());
        assertEquals(List.of(), agentTrouble, output);
        assertFalse(output.contains(alice.substring(alice.lastIndexOf('.') + 1)), "a token's signature in the output");
    }
}
