package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SPEC sections 4 and 5 together: a task handed over with a token that expires before the task
 * makes its call does not send it. The token expires two seconds ahead (the inbound clock skew of
 * 30 s lets it in either way); the tasks call after 3.5 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpiredTokenAcrossThreadsTest {
    private static final long PAST_EXPIRY_MILLIS = 3500;

    private TestServer server;
    private ExpectingDownstream downstream;
    private Downstream current;

    @BeforeAll
    void start() throws Exception {
        server = new TomcatJakartaServer(4);
        downstream = new ExpectingDownstream(Collections.emptyMap());
        current = new Downstream();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        downstream.close();
        current.close();
    }

    @Test
    void aTaskThatRunsAfterItsTokenExpiredSendsNoToken() throws Exception {
        String token = Tokens.signed("short-lived", b -> b.withExpiresAt(Instant.now().plusSeconds(2)));

        // While it is valid, the scheduled task sends it.
        assertEquals(200, call("scheduled", 0, current.allowedUrl("/now"), token).status);
        assertEquals(List.of("Bearer " + token), current.takeAuthorization());

        // Handed over while valid, run after exp: on a scheduler, a new thread and a pool at once.
        List<String> late = List.of("scheduled", "new-thread", "executor-submit", "cf-supply-async");
        List<CompletableFuture<RawHttp.Response>> calls = late.stream()
                .map(via -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return call(via, PAST_EXPIRY_MILLIS, downstream.urlExpecting(ExpectingDownstream.NONE, via), token);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }))
                .collect(java.util.stream.Collectors.toList());
        for (CompletableFuture<RawHttp.Response> each : calls) {
            RawHttp.Response response = each.get();
            assertEquals(200, response.status, response.toString());
            assertEquals("200", response.field("downstream"), response.toString());
        }
        assertEquals(late.size(), downstream.received());
        assertEquals(List.of(), downstream.mismatches());
    }

    private RawHttp.Response call(String via, long delayMillis, String url, String token) throws Exception {
        String path = "/call?client=url-connection&via=" + via + "&delay=" + delayMillis
                + "&url=" + URLEncoder.encode(url, StandardCharsets.UTF_8);
        return RawHttp.get(server.baseUrl(), path, RawHttp.bearer(token));
    }
}
