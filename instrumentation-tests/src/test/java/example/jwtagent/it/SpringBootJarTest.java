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
        downstream = new Downstream();
        ChildJvm.Builder builder = SpringBootApp.withAgent();
        long started = System.nanoTime();
        service = SpringBootApp.startAndAwait(builder, "/public/calls");
        long millis = (System.nanoTime() - started) / 1_000_000;
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

    private RawHttp.Response ask(String pathAndQuery, String token) throws Exception {
        RawHttp.Response response = token == null ? RawHttp.get(service.baseUrl(), pathAndQuery)
                : RawHttp.get(service.baseUrl(), pathAndQuery, RawHttp.bearer(token));
        assertEquals(pathAndQuery.startsWith("/attrs/fail") ? 418 : 200, response.status, response + "\n" + service.output());
        return response;
    }

    /**
     * What a Spring MVC handler finds of the attributes the agent sets (on Tomcat kept beside Tomcat's own
     * map): {@code @RequestAttribute} binds them; {@code RequestContextHolder} reads, lists and removes
     * them; an include of another handler (DispatcherServlet's snapshot and restore of the attributes)
     * leaves them as they were; the next request without a token finds none.
     */
    @Test
    void springMvcBindsListsRemovesAndIncludesTheAttributes() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals("subject=alice claims.sub=alice", ask("/attrs/bound", alice).body);
            assertEquals("subject=null claims.sub=null", ask("/attrs/bound", null).body);
            assertEquals("subject=alice names=[jwt.agent.claims, jwt.agent.subject] | removed: subject=null names=[jwt.agent.claims]",
                    ask("/attrs/holder", alice).body);
            assertEquals("subject=null names=[] | removed: subject=null names=[]", ask("/attrs/holder", null).body);
            assertEquals("before: subject=alice | included: subject=alice names=[jwt.agent.claims, jwt.agent.subject]"
                    + " | after: subject=alice names=[jwt.agent.claims, jwt.agent.subject]", ask("/attrs/include", alice).body);
            assertEquals("before: subject=null | included: subject=null names=[] | after: subject=null names=[]", ask("/attrs/include", null).body);
        }
    }

    /**
     * Spring MVC's async processing: the handler's {@code Callable} (also in a {@code WebAsyncTask}) reads
     * and lists the attributes on Spring's thread and calls downstream with the token; a filter in the async
     * dispatch finds the subject and calls with the token too; a request without a token finds and sends none.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/attrs/callable", "/attrs/web-async-task", "/attrs/deferred"})
    void springMvcAsyncThreadsAndTheAsyncDispatchSeeTheAttributesAndCarryTheToken(String path) throws Exception {
        String query = path + "?to=" + downstream.allowedUrl(path) + "&dispatch-to=" + downstream.allowedUrl(path + "/dispatch");
        boolean lists = !path.equals("/attrs/deferred");
        RawHttp.Response answer = ask(query, alice);
        assertTrue(answer.body.startsWith("subject=alice" + (lists ? " names=[jwt.agent.claims, jwt.agent.subject]" : "") + " downstream=200 "), answer.toString());
        assertEquals("alice", answer.header("X-Dispatch-Subject"), answer.toString());
        assertTrue(answer.header("X-Dispatch-Downstream").startsWith("200 "), answer.toString());
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "from Spring's async thread");
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "from the async dispatch");

        RawHttp.Response without = ask(query, null);
        assertTrue(without.body.startsWith("subject=null" + (lists ? " names=[]" : "") + " downstream=200 "), without.toString());
        assertEquals("null", without.header("X-Dispatch-Subject"), without.toString());
        assertEquals(List.of(), downstream.takeAuthorization(), "a request without a token sent one");
        assertEquals(List.of(), downstream.takeAuthorization(), "a request without a token sent one");
    }

    /** Spring Boot's error handling (Tomcat's error dispatch to /error): its error attributes find the subject, and the token is current. */
    @Test
    void springBootsErrorHandlingFindsTheSubjectAndTheToken() throws Exception {
        RawHttp.Response failed = ask("/attrs/fail?error-to=" + downstream.allowedUrl("/error-page"), alice);
        assertTrue(failed.body.contains("\"subject\":\"alice\""), failed.toString());
        assertTrue(failed.body.contains("\"downstream\":\"200 "), failed.toString());
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "from the error dispatch");

        RawHttp.Response without = ask("/attrs/fail?error-to=" + downstream.allowedUrl("/error-page"), null);
        assertTrue(without.body.contains("\"subject\":\"null\""), without.toString());
        assertEquals(List.of(), downstream.takeAuthorization(), "a request without a token sent one");
    }

    /**
     * Behind Spring Security, which authenticates the user from the agent's subject attribute and wraps the
     * request: the handler finds that user, the attributes and the token, also in Spring MVC's async
     * processing of the wrapped request; a request without a token gets Spring Security's 401, one with a
     * bad token the agent's, before Spring Security runs.
     */
    @Test
    void behindSpringSecurityTheUserIsTheVerifiedSubjectAndTheTokenGoesDownstream() throws Exception {
        String to = downstream.allowedUrl("/secured");
        RawHttp.Response me = ask("/secured/me?to=" + to, alice);
        assertTrue(me.body.startsWith("user=alice remote-user=alice subject=alice downstream=200 "), me.toString());
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());

        RawHttp.Response async = ask("/secured/callable?to=" + to + "&dispatch-to=" + downstream.allowedUrl("/secured/dispatch"), alice);
        assertTrue(async.body.startsWith("user=alice subject=alice names=[jwt.agent.claims, jwt.agent.subject] downstream=200 "), async.toString());
        assertEquals("alice", async.header("X-Dispatch-Subject"), async.toString());
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "from Spring's async thread");
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization(), "from the async dispatch");

        int downstreamBefore = downstream.requestCount();
        RawHttp.Response anonymous = RawHttp.get(service.baseUrl(), "/secured/me?to=" + to);
        assertEquals(401, anonymous.status, anonymous.toString());
        String forged = alice.substring(0, alice.lastIndexOf('.') + 1) + "AAAA" + alice.substring(alice.lastIndexOf('.') + 5);
        RawHttp.Response refused = RawHttp.get(service.baseUrl(), "/secured/me?to=" + to, RawHttp.bearer(forged));
        assertEquals(401, refused.status, refused.toString());
        assertTrue(refused.header("WWW-Authenticate").startsWith("Bearer error=\"invalid_token\""), refused.toString());
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
                // The debug line naming a class the agent rewrote (Spring Security's ExceptionTranslationFilter) is no fault.
                .filter(line -> !line.matches(".* DEBUG jwt-agent\\.startup - instrumented [\\w.$]+"))
                .collect(Collectors.toList());
        assertEquals(List.of(), agentTrouble, output);
        assertFalse(output.contains(alice.substring(alice.lastIndexOf('.') + 1)), "a token's signature in the output");
    }
}
