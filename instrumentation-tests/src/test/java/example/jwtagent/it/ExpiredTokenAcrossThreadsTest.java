package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SPEC sections 4 and 5 together: a task handed over with a token that expires before the task
 * makes its call does not send it. The token expires three seconds ahead (the inbound clock skew of
 * 30 s lets it in either way); the tasks call after 4.5 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpiredTokenAcrossThreadsTest {
    private static final long PAST_EXPIRY_MILLIS = 4500;

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
        // A first request warms the container and the pools up, so that the token's few seconds are not spent there.
        assertEquals(200, call("scheduled", 0, current.allowedUrl("/warm-up"), Tokens.valid("warm-up")).status);
        current.takeAuthorization();
        String token = Tokens.signed("short-lived", b -> b.withExpiresAt(Instant.now().plusSeconds(3)));

        // While it is valid, the scheduled task sends it.
        assertEquals(200, call("scheduled", 0, current.allowedUrl("/now"), token).status);
        assertEquals(List.of("Bearer " + token), current.takeAuthorization());

        // Handed over while valid, run after exp: on a scheduler, a new thread and a pool at once.
        List<String> late = List.of("scheduled", "new-thread", "executor-submit", "cf-supply-async");
        // The callers' own threads: the common pool may have a single thread, which the service needs.
        ExecutorService callers = Executors.newFixedThreadPool(late.size());
        try {
            List<Future<RawHttp.Response>> calls = new ArrayList<>();
            for (String via : late) {
                calls.add(callers.submit(() -> call(via, PAST_EXPIRY_MILLIS, downstream.urlExpecting(ExpectingDownstream.NONE, via), token)));
            }
            for (Future<RawHttp.Response> each : calls) {
                RawHttp.Response response = each.get();
                assertEquals(200, response.status, response.toString());
                assertEquals("200", response.field("downstream"), response.toString());
            }
        } finally {
            callers.shutdown();
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
