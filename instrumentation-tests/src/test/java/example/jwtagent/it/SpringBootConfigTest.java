package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spring Boot service (module {@code spring-boot-app}) in configurations services commonly use:
 * a context path ({@code server.servlet.context-path=/api}) with {@code /actuator/**} excluded, h2c
 * ({@code server.http2.enabled=true}), a {@code OncePerRequestFilter} bean and a
 * {@code HandlerInterceptor} (neither runs for a refused token), an {@code @RestControllerAdvice}
 * (never runs for the agent's 401, which Spring's error page does not replace), and RestClient and
 * WebClient built with a base URL and an application-set {@code Authorization} default header.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringBootConfigTest {
    private ChildJvm service;
    private Downstream downstream;
    private final String alice = Tokens.valid("alice");
    private String api;

    @BeforeAll
    void start() throws Exception {
        downstream = new Downstream();
        service = SpringBootApp.startAndAwait(SpringBootApp.withAgent()
                // "/api/probe/**" is a glob written with the context path: it exempts nothing.
                .agentSetting("inbound.exclude-paths", "/health,/public/**,/actuator/**,/api/probe/**")
                .argument("--server.servlet.context-path=/api")
                .argument("--server.http2.enabled=true"), "/api/public/probe-counts");
        api = service.baseUrl() + "/api";
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

    private String forged() {
        return alice.substring(0, alice.lastIndexOf('.') + 1) + "AAAA" + alice.substring(alice.lastIndexOf('.') + 5);
    }

    private long count(String name) throws Exception {
        RawHttp.Response counts = RawHttp.get(service.baseUrl(), "/api/public/probe-counts");
        assertEquals(200, counts.status, counts.toString());
        for (String line : counts.body.split("\n")) {
            if (line.startsWith(name + "=")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + name + " in " + counts.body);
    }

    @Test
    void underAContextPathTheGlobsMatchAfterIt() throws Exception {
        RawHttp.Response valid = RawHttp.get(service.baseUrl(), "/api/probe/whoami", RawHttp.bearer(alice));
        assertEquals(200, valid.status, valid + "\n" + service.output());
        assertEquals("subject=alice", valid.body.trim(), "/api/probe/** (with the context path) exempts nothing");

        RawHttp.Response health = RawHttp.get(service.baseUrl(), "/api/actuator/health", RawHttp.bearer(forged()));
        assertEquals(200, health.status, "/actuator/** excludes /api/actuator/health: " + health);
        // Actuator's own health endpoint; its probe check reports the subject of the request that asked.
        assertTrue(health.body.contains("\"probe\":{\"details\":{\"subject\":\"null\"},\"status\":\"UP\"}"),
                "an excluded path carries no token: " + health);

        RawHttp.Response outside = RawHttp.get(service.baseUrl(), "/actuator/health", RawHttp.bearer(forged()));
        assertEquals(404, outside.status, "outside the context path no web application answers (Tomcat's own 404): " + outside);
    }

    @Test
    void aForgedTokenRunsNoFilterBeanNoInterceptorNoAdvice() throws Exception {
        long filter = count("filter");
        long interceptor = count("interceptor");
        long advice = count("advice");
        for (String path : List.of("/api/probe/whoami", "/api/probe/fail")) {
            RawHttp.Response refused = RawHttp.get(service.baseUrl(), path, RawHttp.bearer(forged()));
            assertEquals(401, refused.status, refused.toString());
            assertTrue(refused.header("WWW-Authenticate").startsWith("Bearer error=\"invalid_token\""), refused.toString());
            assertTrue(refused.body.contains("\"error\":\"invalid_token\""), "the agent's body, not Spring's error page: " + refused.body);
        }
        assertEquals(filter, count("filter"), "the OncePerRequestFilter bean ran for a forged token");
        assertEquals(interceptor, count("interceptor"), "the HandlerInterceptor ran for a forged token");
        assertEquals(advice, count("advice"), "the @RestControllerAdvice ran for a forged token");

        RawHttp.Response failing = RawHttp.get(service.baseUrl(), "/api/probe/fail", RawHttp.bearer(alice));
        assertEquals(500, failing.status, failing.toString());
        assertEquals(advice + 1, count("advice"), "the advice runs for a valid token");
        assertEquals(filter + 1, count("filter"));
        assertEquals(interceptor + 1, count("interceptor"));
    }

    @Test
    void h2cWithAForgedTokenGets401AndAValidOneGoesOn() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        // The first request upgrades the connection (h2c); the next ones are HTTP/2 streams.
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create(api + "/probe/whoami"))
                    .header("Authorization", "Bearer " + alice).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("subject=alice", ok.body().trim());
            HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(api + "/probe/whoami"))
                    .header("Authorization", "Bearer " + forged()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode(), refused.version() + " " + refused.body());
            assertTrue(refused.body().contains("\"error\":\"invalid_token\""), refused.body());
            HttpResponse<String> none = client.send(HttpRequest.newBuilder(URI.create(api + "/probe/whoami")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals("subject=null", none.body().trim(), "no token on the stream after alice's: " + none.version());
        }
        // A forged token on the upgrade request itself, and no token on the upgrade.
        HttpResponse<String> forgedUpgrade = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()
                .send(HttpRequest.newBuilder(URI.create(api + "/probe/whoami")).header("Authorization", "Bearer " + forged()).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(401, forgedUpgrade.statusCode(), forgedUpgrade.version() + " " + forgedUpgrade.body());
        HttpClient noneFirst = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> noneUpgrade = noneFirst.send(HttpRequest.newBuilder(URI.create(api + "/probe/whoami")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("subject=null", noneUpgrade.body().trim());
        HttpResponse<String> aliceAfter = noneFirst.send(HttpRequest.newBuilder(URI.create(api + "/probe/whoami"))
                .header("Authorization", "Bearer " + alice).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("subject=alice", aliceAfter.body().trim(), aliceAfter.version().toString());
        // Concurrent streams of one connection, alice's, bob's and none.
        String bob = Tokens.valid("bob");
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> streams = new java.util.ArrayList<>();
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + "/probe/whoami"));
            String who = i % 3 == 0 ? "alice" : i % 3 == 1 ? "bob" : null;
            if (who != null) {
                request.header("Authorization", "Bearer " + ("alice".equals(who) ? alice : bob));
            }
            expected.add("subject=" + who);
            streams.add(client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < streams.size(); i++) {
            HttpResponse<String> response = streams.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(expected.get(i), response.body().trim(), "stream " + i + " over " + response.version());
        }
        HttpResponse<String> last = client.send(HttpRequest.newBuilder(URI.create(api + "/probe/whoami")).build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.println("h2c probe: last request went as " + last.version());
    }

    @ParameterizedTest
    @ValueSource(strings = {"rest-client", "rest-client-on-jdk-client", "rest-client-on-reactor-netty", "web-client"})
    void aClientWithABaseUrlCarriesTheTokenAndAnApplicationDefaultAuthorizationIsKept(String via) throws Exception {
        String base = downstream.allowedUrl("");
        RawHttp.Response withBase = RawHttp.get(service.baseUrl(), "/api/probe/call-with-base?via=" + via + "&base=" + base,
                RawHttp.bearer(alice));
        assertEquals(200, withBase.status, withBase + "\n" + service.output());
        assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());

        long alreadySet = count("skipped.already_set");
        long propagated = count("propagated");
        RawHttp.Response withDefault = RawHttp.get(service.baseUrl(), "/api/probe/call-with-defaults?via=" + via + "&base=" + base,
                RawHttp.bearer(alice));
        assertEquals(200, withDefault.status, withDefault + "\n" + service.output());
        assertEquals(List.of("Basic YXBwOmFwcA=="), downstream.takeAuthorization(), "the application's default header was replaced");
        assertEquals(alreadySet + 1, count("skipped.already_set"), "counted as already set");
        assertEquals(propagated, count("propagated"), "counted as propagated");
    }
}
