package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spring Boot service with Spring Boot Actuator, {@code inbound.required=true} and {@code /actuator/**}
 * excluded: on the application's port, and on a separate management port ({@code management.server.port},
 * a second embedded Tomcat with a child context), also with {@code management.server.base-path}, which is
 * that Tomcat's context path, so the globs match after it. Executors Micrometer meters (Boot's
 * {@code applicationTaskExecutor}, an {@code ExecutorServiceMetrics.monitor}-wrapped pool) carry each
 * request's own token; neither Actuator's metrics nor its env endpoint show a token or the HMAC secret.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class SpringBootActuatorTest {
    private ChildJvm service;
    private ChildJvm managed;
    private ChildJvm basePath;
    private int managedPort;
    private int basePathPort;
    private Downstream downstream;
    private final String alice = Tokens.valid("alice");
    private final String bob = Tokens.valid("bob");
    private final String secret = new String(Tokens.secret(), StandardCharsets.US_ASCII);

    @BeforeAll
    void start() throws Exception {
        downstream = new Downstream();
        // The secret as a system property (-Djwt.agent.secret), so that the env endpoint's treatment of it shows.
        service = requiringTokens("/public/**,/actuator/**")
                .argument("--server.tomcat.mbeanregistry.enabled=true")
                .argument("--management.endpoint.health.probes.add-additional-paths=true")
                .argument("--spring.jmx.enabled=true")
                .argument("--management.endpoints.jmx.exposure.include=*")
                .start();
        managedPort = SpringBootApp.freePort();
        managed = requiringTokens("/public/**,/actuator/health,/actuator/health/**")
                .argument("--management.server.port=" + managedPort)
                .argument("--management.endpoint.env.show-values=always")
                .argument("--probe.sanitize-agent-secret=true")
                .start();
        basePathPort = SpringBootApp.freePort();
        basePath = requiringTokens("/public/**,/actuator/health,/actuator/health/**")
                .argument("--management.server.port=" + basePathPort)
                .argument("--management.server.base-path=/manage")
                .argument("--management.endpoint.env.show-values=always")
                .start();
        for (ChildJvm child : List.of(service, managed, basePath)) {
            SpringBootApp.awaitAnswer(child, "/public/calls");
        }
    }

    /** The Boot jar with the agent requiring a token, its HMAC secret given as {@code -Djwt.agent.secret}. */
    private ChildJvm.Builder requiringTokens(String excludePaths) {
        return SpringBootApp.withAgent()
                .agentSetting("secret-file", null)
                .agentSetting("secret", secret)
                .agentSetting("inbound.required", "true")
                .agentSetting("inbound.exclude-paths", excludePaths);
    }

    @AfterAll
    void stop() throws Exception {
        for (ChildJvm child : new ChildJvm[] {service, managed, basePath}) {
            if (child != null) {
                child.close();
            }
        }
        if (downstream != null) {
            downstream.close();
        }
    }

    private String forged() {
        return alice.substring(0, alice.lastIndexOf('.') + 1) + "AAAA" + alice.substring(alice.lastIndexOf('.') + 5);
    }

    private static String signature(String token) {
        return token.substring(token.lastIndexOf('.') + 1);
    }

    private static RawHttp.Response get(String base, String path, String token) throws Exception {
        return token == null ? RawHttp.get(base, path) : RawHttp.get(base, path, RawHttp.bearer(token));
    }

    /** Health without a token, with a forged one and with a valid one: 200, no subject, and its check calls downstream without a token. */
    private void healthIsOutsideTheAgent(ChildJvm child, String base, String healthPath) throws Exception {
        RawHttp.get(child.baseUrl(), "/public/health-target?to=" + downstream.allowedUrl("/health-check"));
        try {
            for (String token : new String[] {null, forged(), alice}) {
                RawHttp.Response health = get(base, healthPath, token);
                assertEquals(200, health.status, health + "\n" + child.output());
                assertTrue(health.body.endsWith("\"status\":\"UP\"}"), health.toString());
                assertTrue(health.body.contains("\"probe\":{\"details\":{\"subject\":\"null\",\"downstream\":200},\"status\":\"UP\"}"),
                        "an excluded path carries no subject: " + health);
                assertEquals(List.of(), downstream.takeAuthorization(), "the health check on an excluded path sent a token");
            }
        } finally {
            RawHttp.get(child.baseUrl(), "/public/health-target");
        }
    }

    /** The application's own endpoints still need a valid token. */
    private void applicationNeedsAToken(ChildJvm child) throws Exception {
        RawHttp.Response none = RawHttp.get(child.baseUrl(), "/whoami");
        assertEquals(401, none.status, none.toString());
        assertTrue(none.header("WWW-Authenticate").startsWith("Bearer"), none.toString());
        RawHttp.Response refused = RawHttp.get(child.baseUrl(), "/whoami", RawHttp.bearer(forged()));
        assertEquals(401, refused.status, refused.toString());
        assertTrue(refused.header("WWW-Authenticate").startsWith("Bearer error=\"invalid_token\""), refused.toString());
        assertEquals("alice", RawHttp.get(child.baseUrl(), "/whoami", RawHttp.bearer(alice)).body);
    }

    @Test
    void onTheApplicationsPortHealthIsExcludedAndTheApplicationNeedsAToken() throws Exception {
        healthIsOutsideTheAgent(service, service.baseUrl(), "/actuator/health");
        RawHttp.Response liveness = RawHttp.get(service.baseUrl(), "/actuator/health/liveness", RawHttp.bearer(forged()));
        assertEquals(200, liveness.status, liveness.toString());
        RawHttp.Response discovery = RawHttp.get(service.baseUrl(), "/actuator");
        assertEquals(200, discovery.status, "/actuator/** covers /actuator itself: " + discovery);
        applicationNeedsAToken(service);
    }

    /**
     * Kubernetes' probe paths Boot adds on the application's port ({@code management.endpoint.health.probes.add-additional-paths})
     * are outside {@code /actuator/**}: without their own glob they need a token (the README says to exclude them).
     */
    @Test
    void theAdditionalProbePathsNeedTheirOwnGlob() throws Exception {
        for (String path : List.of("/livez", "/readyz")) {
            RawHttp.Response none = RawHttp.get(service.baseUrl(), path);
            assertEquals(401, none.status, none.toString());
            RawHttp.Response valid = RawHttp.get(service.baseUrl(), path, RawHttp.bearer(alice));
            assertEquals(200, valid.status, valid.toString());
            assertEquals("{\"status\":\"UP\"}", valid.body.trim());
        }
    }

    /**
     * The agent answers a refused request before any filter runs, so Micrometer's {@code http.server.requests}
     * never sees it; Tomcat's own counters ({@code tomcat.global.request}, with the MBean registry on) and the
     * agent's ({@code missing}, {@code rejected.*}) do.
     */
    @Test
    void refusedRequestsAreNotInHttpServerRequestsButInTomcatsAndTheAgentsCounters() throws Exception {
        RawHttp.Response before = RawHttp.get(service.baseUrl(), "/public/probe-counts");
        double tomcatBefore = count(RawHttp.get(service.baseUrl(), "/actuator/metrics/tomcat.global.request"));
        for (int i = 0; i < 5; i++) {
            assertEquals(401, RawHttp.get(service.baseUrl(), "/whoami").status);
            assertEquals(401, RawHttp.get(service.baseUrl(), "/whoami", RawHttp.bearer(forged())).status);
        }
        RawHttp.Response refused = RawHttp.get(service.baseUrl(), "/actuator/metrics/http.server.requests?tag=status:401");
        assertEquals(404, refused.status, "no http.server.requests with status 401: " + refused);
        double tomcatAfter = count(RawHttp.get(service.baseUrl(), "/actuator/metrics/tomcat.global.request"));
        assertTrue(tomcatAfter - tomcatBefore >= 10, tomcatBefore + " -> " + tomcatAfter);
        RawHttp.Response after = RawHttp.get(service.baseUrl(), "/public/probe-counts");
        assertEquals(agentCount(before, "missing") + 5, agentCount(after, "missing"), after.body);
        assertEquals(agentCount(before, "rejected.bad_signature") + 5, agentCount(after, "rejected.bad_signature"), after.body);
    }

    private static double count(RawHttp.Response metric) {
        assertEquals(200, metric.status, metric.toString());
        java.util.regex.Matcher count = java.util.regex.Pattern.compile("\\{\"statistic\":\"COUNT\",\"value\":([0-9.E]+)\\}").matcher(metric.body);
        assertTrue(count.find(), metric.body);
        return Double.parseDouble(count.group(1));
    }

    private static long agentCount(RawHttp.Response counts, String name) {
        for (String line : counts.body.split("\n")) {
            if (line.startsWith(name + "=")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        return 0;
    }

    @Test
    void onASeparateManagementPortHealthIsExcludedAndInfoNeedsAToken() throws Exception {
        String management = "http://localhost:" + managedPort;
        healthIsOutsideTheAgent(managed, management, "/actuator/health");
        infoNeedsAToken(management, "/actuator/info");
        // The globs know no ports: /actuator/health is excluded on the application's port too, where no actuator answers.
        RawHttp.Response onTheAppPort = RawHttp.get(managed.baseUrl(), "/actuator/health", RawHttp.bearer(forged()));
        assertEquals(404, onTheAppPort.status, onTheAppPort.toString());
        assertTrue(onTheAppPort.body.contains("\"subject\":\"null\""), onTheAppPort.toString());
        RawHttp.Response infoOnTheAppPort = RawHttp.get(managed.baseUrl(), "/actuator/info");
        assertEquals(401, infoOnTheAppPort.status, infoOnTheAppPort.toString());
        applicationNeedsAToken(managed);
    }

    /** {@code management.server.base-path} is the management Tomcat's context path: the globs match after it. */
    @Test
    void underAManagementBasePathTheGlobsMatchAfterIt() throws Exception {
        String management = "http://localhost:" + basePathPort;
        healthIsOutsideTheAgent(basePath, management, "/manage/actuator/health");
        infoNeedsAToken(management, "/manage/actuator/info");
        applicationNeedsAToken(basePath);
    }

    private void infoNeedsAToken(String base, String infoPath) throws Exception {
        RawHttp.Response none = RawHttp.get(base, infoPath);
        assertEquals(401, none.status, none.toString());
        assertTrue(none.header("WWW-Authenticate").startsWith("Bearer"), none.toString());
        assertTrue(none.body.contains("\"error\""), "the agent's body: " + none);
        RawHttp.Response refused = RawHttp.get(base, infoPath, RawHttp.bearer(forged()));
        assertEquals(401, refused.status, refused.toString());
        assertTrue(refused.header("WWW-Authenticate").startsWith("Bearer error=\"invalid_token\""), refused.toString());
        RawHttp.Response valid = RawHttp.get(base, infoPath, RawHttp.bearer(alice));
        assertEquals(200, valid.status, valid.toString());
    }

    /**
     * Boot's {@code applicationTaskExecutor} (Micrometer binds its metrics) for an {@code @Async} method and a
     * task, and a pool wrapped by {@code ExecutorServiceMetrics.monitor}: concurrent requests of alice, bob and
     * none each send their own token, or none.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/call?via=async-rest-client&to=", "/call?via=task-executor&to=", "/metered/timed-executor?to=", "/metered/timed-scheduler?to="})
    void meteredExecutorsCarryEachRequestsOwnToken(String call) throws Exception {
        Map<String, String> expected = new HashMap<>();
        List<CompletableFuture<RawHttp.Response>> answers = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String who = i % 3 == 0 ? "alice" : i % 3 == 1 ? "bob" : "none";
            String token = "alice".equals(who) ? alice : "bob".equals(who) ? bob : null;
            String path = "/metered/" + who + "/" + i;
            expected.put(path, token == null ? "[]" : "[Bearer " + token + "]");
            String requestPath = call + downstream.allowedUrl(path);
            // A request without a token gets 401 (required=true): it runs as an excluded one instead, with no token.
            String base = service.baseUrl();
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return token == null ? RawHttp.get(base, "/public" + requestPath) : RawHttp.get(base, requestPath, RawHttp.bearer(token));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (CompletableFuture<RawHttp.Response> answer : answers) {
            RawHttp.Response response = answer.get(30, TimeUnit.SECONDS);
            assertEquals(200, response.status, response + "\n" + service.output());
        }
        for (int i = 0; i < 24; i++) {
            RecordedRequest arrived = downstream.take();
            String path = arrived.getTarget();
            assertEquals(expected.get(path), arrived.getHeaders().values("Authorization").toString(), path);
        }
    }

    @Test
    void actuatorBindsExecutorAndTomcatMetricsAndNoneShowsAToken() throws Exception {
        RawHttp.get(service.baseUrl(), "/call?via=task-executor&to=" + downstream.allowedUrl("/warm"), RawHttp.bearer(alice));
        downstream.takeAuthorization();
        RawHttp.Response metrics = RawHttp.get(service.baseUrl(), "/actuator/metrics");
        assertEquals(200, metrics.status, metrics.toString());
        for (String name : List.of("executor.completed", "tomcat.threads.busy", "tomcat.threads.config.max", "http.server.requests")) {
            assertTrue(metrics.body.contains("\"" + name + "\""), name + " in " + metrics.body);
        }
        assertFalse(metrics.body.toLowerCase().contains("jwt"), "the agent's counters are JMX only: " + metrics.body);
        for (String name : List.of("executor.completed", "http.server.requests", "tomcat.threads.busy")) {
            RawHttp.Response metric = RawHttp.get(service.baseUrl(), "/actuator/metrics/" + name);
            assertEquals(200, metric.status, metric.toString());
            assertFalse(metric.body.contains(signature(alice)), metric.body);
        }
        // Micrometer's executor gauges and counters see the pools the agent instruments, each task counted.
        RawHttp.get(service.baseUrl(), "/metered/timed-executor?to=" + downstream.allowedUrl("/warm"), RawHttp.bearer(alice));
        downstream.takeAuthorization();
        RawHttp.get(service.baseUrl(), "/metered/timed-scheduler?to=" + downstream.allowedUrl("/warm"), RawHttp.bearer(alice));
        downstream.takeAuthorization();
        for (String pool : List.of("applicationTaskExecutor", "probe.timed", "probe.timed-scheduler")) {
            assertTrue(count(RawHttp.get(service.baseUrl(), "/actuator/metrics/executor.completed?tag=name:" + pool)) >= 1, pool);
        }
        RawHttp.Response timedTasks = RawHttp.get(service.baseUrl(), "/actuator/metrics/executor?tag=name:probe.timed");
        assertTrue(count(timedTasks) >= 1, "the timer of each task of the timed pool: " + timedTasks);
        RawHttp.Response jmx = RawHttp.get(service.baseUrl(), "/public/probe-counts");
        assertTrue(jmx.body.contains("verified="), "the agent's MBean: " + jmx.body);
        for (String line : jmx.body.split("\n")) {
            assertTrue(line.matches("[\\w.]+=\\d+"), "only counters: " + line);
        }
    }

    /**
     * Over JMX (Actuator's JMX endpoints exposed, Tomcat's MBeans registered, the agent's counters), after
     * requests with alice's token: no attribute and no read operation shows a token, and the secret given as
     * {@code -Djwt.agent.secret} shows only where the JVM shows its command line ({@code java.lang:type=Runtime}).
     */
    @Test
    void noMBeanShowsATokenAndOnlyTheJvmsCommandLineShowsTheSecret() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals("alice", RawHttp.get(service.baseUrl(), "/whoami", RawHttp.bearer(alice)).body);
            RawHttp.get(service.baseUrl(), "/call?via=rest-client&to=" + downstream.allowedUrl("/jmx"), RawHttp.bearer(alice));
            downstream.takeAuthorization();
        }
        RawHttp.Response dump = RawHttp.get(service.baseUrl(), "/public/jmx-dump");
        assertEquals(200, dump.status, dump.toString());
        assertTrue(dump.body.contains("jwt.agent:type=Metrics verified="), "the agent's MBean");
        assertTrue(dump.body.contains("org.springframework.boot:type=Endpoint,name=Env environment()="), "Actuator's JMX env endpoint");
        List<String> withToken = new ArrayList<>();
        List<String> withSecret = new ArrayList<>();
        for (String line : dump.body.split("\n")) {
            if (line.contains(signature(alice))) {
                withToken.add(line);
            }
            if (line.contains(secret) && !line.startsWith("java.lang:type=Runtime ")) {
                withSecret.add(line);
            }
        }
        assertEquals(List.of(), withToken, "a token over JMX");
        assertEquals(List.of(), withSecret, "the secret over JMX outside the JVM's command line");
    }

    /** The agent's log in each service: no warning but the one about the secret on the command line, no fault, no token. */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void theLogsShowNoAgentTroubleAndNoToken() throws Exception {
        for (ChildJvm child : List.of(service, managed, basePath)) {
            String output = child.output();
            List<String> trouble = new ArrayList<>();
            for (String line : output.split("\n")) {
                if ((line.matches(".* (WARN|ERROR) jwt-agent\\..*") && !line.contains("jwt.agent.secret is given on the command line"))
                        || ((line.contains("Exception") || line.contains("Error:"))
                            // The debug line naming a class the agent rewrote (Spring Security's ExceptionTranslationFilter) is no fault.
                            && !line.matches(".* DEBUG jwt-agent\\.startup - instrumented [\\w.$]+"))) {
                    trouble.add(line);
                }
            }
            assertEquals(List.of(), trouble, output);
            assertFalse(output.contains(signature(alice)), "a token in the log");
            assertFalse(output.contains(signature(bob)), "a token in the log");
            assertFalse(output.contains(secret), "the secret in the log");
        }
    }

    /** Boot 4 shows no value in {@code /actuator/env} by default ({@code show-values=never}): not the secret, not a token. */
    @Test
    void theEnvEndpointShowsNoSecretByDefault() throws Exception {
        RawHttp.Response env = RawHttp.get(service.baseUrl(), "/actuator/env", RawHttp.bearer(alice));
        assertEquals(200, env.status, env.toString());
        assertTrue(env.body.contains("\"jwt.agent.secret\":{\"value\":\"******\""), env.body);
        assertFalse(env.body.contains(secret), "the secret in /actuator/env");
        assertFalse(env.body.contains(signature(alice)), "a token in /actuator/env");
        RawHttp.Response one = RawHttp.get(service.baseUrl(), "/actuator/env/jwt.agent.secret");
        assertEquals(200, one.status, one.toString());
        assertFalse(one.body.contains(secret), one.body);
    }

    /**
     * With {@code management.endpoint.env.show-values=always}, Boot shows every value it has no
     * {@code SanitizingFunction} for: a secret given as {@code -Djwt.agent.secret} is visible (the README says
     * to use {@code secret-file} then, or to sanitize it); no token is.
     */
    @Test
    void withShowValuesAlwaysASecretGivenAsASystemPropertyIsVisible() throws Exception {
        RawHttp.Response env = RawHttp.get("http://localhost:" + basePathPort, "/manage/actuator/env", RawHttp.bearer(alice));
        assertEquals(200, env.status, env.toString());
        assertTrue(env.body.contains(secret), "Boot 4 shows -Djwt.agent.secret with show-values=always");
        assertFalse(env.body.contains(signature(alice)), "a token in /actuator/env");
    }

    /** With {@code show-values=always} and a {@code SanitizingFunction} for the agent's secret (the README's advice), it is masked again. */
    @Test
    void aSanitizingFunctionHidesTheSecretWithShowValuesAlways() throws Exception {
        String management = "http://localhost:" + managedPort;
        RawHttp.Response env = RawHttp.get(management, "/actuator/env", RawHttp.bearer(alice));
        assertEquals(200, env.status, env.toString());
        assertTrue(env.body.contains("\"jwt.agent.secret\":{\"value\":\"******\""), env.body);
        assertTrue(env.body.contains("\"jwt.agent.issuer\":{\"value\":\"https://issuer.test\""), "other values shown: " + env.body);
        assertFalse(env.body.contains(secret), "the secret in /actuator/env");
        RawHttp.Response one = RawHttp.get(management, "/actuator/env/jwt.agent.secret", RawHttp.bearer(alice));
        assertEquals(200, one.status, one.toString());
        assertFalse(one.body.contains(secret), one.body);
    }
}
