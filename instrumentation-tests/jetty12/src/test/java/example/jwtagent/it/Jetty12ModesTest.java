package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ModesTest's settings on Jetty 12 (ee10), each in a JVM of its own: inbound.required=true, and monitor mode. */
class Jetty12ModesTest {
    private static String callPath(Downstream downstream) {
        return "/call?client=url-connection&url=" + URLEncoder.encode(downstream.allowedUrl("/next"), StandardCharsets.UTF_8);
    }

    @Test
    void requiredTokenRefusesRequestsWithoutOneExceptOnExcludedPaths() throws Exception {
        try (ChildJvm child = ChildJvm.main(Jetty12RelayChild.class).agentSetting("inbound.required", "true").start()) {
            RawHttp.Response missing = RawHttp.get(child.baseUrl(), "/echo");
            assertEquals(401, missing.status, missing.toString());
            assertEquals("Bearer", missing.header("WWW-Authenticate"));
            assertEquals("no-store", missing.header("Cache-Control"), missing.toString());
            RawHttp.Response basic = RawHttp.get(child.baseUrl(), "/echo", "Authorization: Basic YWxpY2U6c2VjcmV0");
            assertEquals(401, basic.status, "another scheme is no bearer token: " + basic);
            assertEquals(200, RawHttp.get(child.baseUrl(), "/health").status);
            assertEquals(200, RawHttp.get(child.baseUrl(), "/public/docs").status);
            RawHttp.Response disguised = RawHttp.get(child.baseUrl(), "/health;x=1");
            assertEquals(401, disguised.status, disguised.toString());
            RawHttp.Response head = RawHttp.send("HEAD", child.baseUrl(), "/echo");
            assertEquals(401, head.status, head.toString());
            assertEquals("alice", RawHttp.get(child.baseUrl(), "/echo", RawHttp.bearer(Tokens.valid("alice"))).field("subject"));
            RawHttp.Response dispatched = RawHttp.get(child.baseUrl(), "/dispatch-call?client=url-connection&url=x");
            assertEquals(401, dispatched.status, dispatched.toString());
        }
    }

    @Test
    void monitorModeLetsInvalidAndMissingTokensThroughAndNeverPropagatesThem() throws Exception {
        try (Downstream downstream = new Downstream();
             ChildJvm child = ChildJvm.main(Jetty12RelayChild.class).agentSetting("mode", "monitor")
                     .agentSetting("inbound.required", "true").start()) {
            for (String route : List.of("/call", "/async-call", "/dispatch-call")) {
                String path = route + callPath(downstream).substring("/call".length());
                RawHttp.Response invalid = RawHttp.get(child.baseUrl(), path, RawHttp.bearer("not.a.jwt"));
                assertEquals(200, invalid.status, invalid.toString());
                assertEquals("null", invalid.field("subject"));
                assertEquals(Collections.emptyList(), downstream.takeAuthorization(), route + ": an invalid token is never propagated");

                RawHttp.Response missing = RawHttp.get(child.baseUrl(), path);
                assertEquals(200, missing.status, "a missing token is only counted in monitor mode: " + missing);
                assertEquals(Collections.emptyList(), downstream.takeAuthorization());

                String token = Tokens.valid("alice");
                RawHttp.Response valid = RawHttp.get(child.baseUrl(), path, RawHttp.bearer(token));
                assertEquals("alice", valid.field("subject"));
                assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), route);
            }
        }
    }
}
