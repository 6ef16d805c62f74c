package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The settings that change what the agent answers, each in a JVM of its own running Tomcat 11:
 * {@code mode=monitor}, {@code inbound.required=true}, and custom inbound and outbound headers.
 * Everything else comes from the test JVM's settings (HS256 secret, localhost allowed, /health excluded).
 */
class ModesTest {

    private static String callPath(Downstream downstream) {
        return "/call?client=url-connection&url=" + URLEncoder.encode(downstream.allowedUrl("/next"), StandardCharsets.UTF_8);
    }

    @Test
    void monitorModeLetsInvalidAndMissingTokensThroughAndNeverPropagatesThem() throws Exception {
        try (Downstream downstream = new Downstream();
             ChildJvm child = ChildJvm.main(RelayChild.class).agentSetting("mode", "monitor")
                     .agentSetting("inbound.required", "true").start()) {
            RawHttp.Response invalid = RawHttp.get(child.baseUrl(), callPath(downstream), RawHttp.bearer("not.a.jwt"));
            assertEquals(200, invalid.status, invalid.toString());
            assertEquals("null", invalid.field("subject"));
            assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "an invalid token is never propagated");

            RawHttp.Response missing = RawHttp.get(child.baseUrl(), callPath(downstream));
            assertEquals(200, missing.status, "a missing token is only counted in monitor mode: " + missing);
            assertEquals(Collections.emptyList(), downstream.takeAuthorization());

            String token = Tokens.valid("alice");
            RawHttp.Response valid = RawHttp.get(child.baseUrl(), callPath(downstream), RawHttp.bearer(token));
            assertEquals("alice", valid.field("subject"));
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
        }
    }

    @Test
    void requiredTokenRefusesRequestsWithoutOneExceptOnExcludedPaths() throws Exception {
        try (ChildJvm child = ChildJvm.main(RelayChild.class).agentSetting("inbound.required", "true").start()) {
            RawHttp.Response missing = RawHttp.get(child.baseUrl(), "/echo");
            assertEquals(401, missing.status, missing.toString());
            assertEquals("Bearer", missing.header("WWW-Authenticate"));
            RawHttp.Response basic = RawHttp.get(child.baseUrl(), "/echo", "Authorization: Basic YWxpY2U6c2VjcmV0");
            assertEquals(401, basic.status, "another scheme is no bearer token: " + basic);
            assertEquals(200, RawHttp.get(child.baseUrl(), "/health").status);
            // A CORS preflight never carries Authorization: it is a request without a token like any other.
            RawHttp.Response preflight = RawHttp.send("OPTIONS", child.baseUrl(), "/echo", "Origin: http://app.example",
                    "Access-Control-Request-Method: GET", "Access-Control-Request-Headers: authorization");
            assertEquals(401, preflight.status, preflight.toString());
            assertEquals("Bearer", preflight.header("WWW-Authenticate"));
            assertEquals("alice", RawHttp.get(child.baseUrl(), "/echo", RawHttp.bearer(Tokens.valid("alice"))).field("subject"));
        }
    }

    @Test
    void aDoubleStarWithinASegmentStaysInThatSegment() throws Exception {
        // "/**.html" is meant for the pages at the root, as in Ant and Spring patterns, where "**" is special only as a
        // whole segment: before, it covered every path ending ".html", and /orders/1.html (which Spring MVC's
        // /orders/{id} takes, id "1.html") reached the application with a forged token.
        String[] parts = Tokens.valid("mallory").split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
        try (ChildJvm child = ChildJvm.main(RelayChild.class).agentSetting("inbound.exclude-paths", "/**.html,/docs/v**").start()) {
            assertEquals(200, RawHttp.get(child.baseUrl(), "/index.html", RawHttp.bearer(forged)).status);
            assertEquals(200, RawHttp.get(child.baseUrl(), "/docs/v2", RawHttp.bearer(forged)).status);
            for (String path : new String[] {"/orders/1.html", "/api/orders/1.html", "/docs/v2/private"}) {
                RawHttp.Response response = RawHttp.get(child.baseUrl(), path, RawHttp.bearer(forged));
                assertEquals(401, response.status, path + " was let through as an excluded path: " + response);
            }
        }
    }

    @Test
    void customHeadersCarryTheBareToken() throws Exception {
        try (Downstream downstream = new Downstream();
             ChildJvm child = ChildJvm.main(RelayChild.class).agentSetting("inbound.header", "X-Token")
                     .agentSetting("outbound.header", "X-Forwarded-Token").start()) {
            String token = Tokens.valid("bob");
            RawHttp.Response response = RawHttp.get(child.baseUrl(), callPath(downstream), "X-Token: " + token);
            assertEquals("bob", response.field("subject"), response.toString());
            RecordedRequest arrived = downstream.take();
            assertEquals(token, arrived.getHeaders().get("X-Forwarded-Token"));
            assertNull(arrived.getHeaders().get("Authorization"));

            RawHttp.Response authorizationIgnored = RawHttp.get(child.baseUrl(), "/echo", RawHttp.bearer(token));
            assertEquals("null", authorizationIgnored.field("subject"), "only the configured header is read");
        }
    }
}
