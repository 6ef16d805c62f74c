package example.shop.story;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo end to end: the same processes as run-demo.sh (issuer, partner, and gateway, orders and
 * inventory with the agent jar), the same requests, and the same story checked from the services'
 * JSON answers and the first hop's status and WWW-Authenticate. The test JVM itself has no agent.
 */
@Timeout(150)
class DemoStoryTest {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static DemoProcesses demo;
    private static Story story;
    private static String table;

    @BeforeAll
    static void runTheStory() throws Exception {
        Path demoApps = Path.of(System.getProperty("demo.apps.dir", "..")).toAbsolutePath().normalize();
        Path agentJar = Path.of(System.getProperty("agent.jar", "../../agent/target/jwt-agent.jar")).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(agentJar), agentJar + " is missing: the agent module builds it (mvn package)");
        demo = new DemoProcesses(demoApps, agentJar, demoApps.resolve("story/target/demo-run"));
        try {
            demo.startAll();
            story = Story.check(walkThrough());
        } catch (Throwable e) {
            demo.close();
            throw e;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        story.print(new PrintStream(out, true, StandardCharsets.UTF_8));
        table = out.toString(StandardCharsets.UTF_8);
        System.out.println(table);
    }

    @AfterAll
    static void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    /** The walkthrough of run-demo.sh, request for request. */
    private static Map<String, Story.Answer> walkThrough() throws Exception {
        String valid = token("sub=alice&aud=shop&ttl=60");
        String tampered = tamper(valid);
        String expired = token("sub=alice&aud=shop&ttl=-120");
        String wrongAudience = token("sub=alice&aud=partner-api&ttl=60");
        String checkout = demo.url("gateway") + "/checkout?sku=book-42";

        Map<String, Story.Answer> answers = new LinkedHashMap<>();
        answers.put(Story.VALID, get(checkout, valid));
        answers.put(Story.NOT_ALLOWED, get(demo.url("inventory") + "/stock?sku=book-42", valid));
        answers.put(Story.TAMPERED, get(checkout, tampered));
        answers.put(Story.EXPIRED, get(checkout, expired));
        answers.put(Story.WRONG_AUDIENCE, get(checkout, wrongAudience));
        answers.put(Story.NO_TOKEN_GATEWAY, get(checkout, null));
        answers.put(Story.NO_TOKEN_ORDERS, get(demo.url("orders") + "/orders?sku=book-42", null));
        answers.put(Story.NO_TOKEN_INVENTORY, get(demo.url("inventory") + "/stock?sku=book-42", null));
        return answers;
    }

    @Test
    void aValidTokenTravelsThroughEveryHop() {
        assertHolds(Story.VALID);
    }

    @Test
    void aHostThatIsNotAllowedReceivesNoToken() {
        assertHolds(Story.NOT_ALLOWED);
    }

    @Test
    void aTamperedTokenIsRefusedAtTheFirstHop() {
        assertHolds(Story.TAMPERED);
    }

    @Test
    void anExpiredTokenIsRefusedAtTheFirstHop() {
        assertHolds(Story.EXPIRED);
    }

    @Test
    void aTokenForAnotherAudienceIsRefusedAtTheFirstHop() {
        assertHolds(Story.WRONG_AUDIENCE);
    }

    @Test
    void aRequestWithoutATokenReachesNoProtectedService() {
        assertHolds(Story.NO_TOKEN);
    }

    @Test
    void theTamperedTokenDiffersOnlyInItsPayload() throws Exception {
        String valid = token("sub=alice&aud=shop&ttl=60");
        String tampered = tamper(valid);
        assertNotEquals(valid, tampered);
        assertEquals(valid.substring(valid.lastIndexOf('.')), tampered.substring(tampered.lastIndexOf('.')));
    }

    private static void assertHolds(String check) {
        List<Story.Row> rows = story.rows(check);
        assertFalse(rows.isEmpty(), "no check named " + check);
        String failed = rows.stream().filter(r -> !r.holds)
                .map(r -> r.where + ": expected " + r.expected + ", saw " + r.seen)
                .collect(Collectors.joining("; "));
        assertTrue(failed.isEmpty(), failed + System.lineSeparator() + table);
    }

    private static String token(String query) throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(demo.issuer() + "/token?" + query))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), "the issuer's answer: " + response.body());
        return response.body().trim();
    }

    /** As run-demo.sh: the payload's subject becomes mallory, header and signature stay. */
    static String tamper(String token) {
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String forged = payload.replace("\"sub\":\"alice\"", "\"sub\":\"mallory\"");
        assertNotEquals(payload, forged, "the payload names no sub alice: " + payload);
        return parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
    }

    private static Story.Answer get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Story.Answer(response.statusCode(),
                response.headers().firstValue("WWW-Authenticate").orElse(null), response.body());
    }
}
