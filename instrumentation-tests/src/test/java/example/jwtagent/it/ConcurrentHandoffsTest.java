package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Many callers at once on a container of four workers and pools of two threads: eight users and
 * callers without a token, every hand-off mixed with every other. Each downstream call names
 * whose token it must carry ({@link ExpectingDownstream}); not one may carry anybody else's, and a
 * caller without a token must send none. Subclasses pick the container.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConcurrentHandoffsTest {
    private static final int CALLERS = 16;
    private static final int REQUESTS_PER_CALLER = 36;
    private static final int USERS = 8;
    private static final List<String> ROUTES = List.of("/call", "/async-call", "/dispatch-call", "/async-late-call");

    private final Map<String, String> tokens = new LinkedHashMap<>();
    private TestServer server;
    private ExpectingDownstream downstream;

    abstract TestServer startServer() throws Exception;

    @BeforeAll
    void start() throws Exception {
        for (int i = 0; i < USERS; i++) {
            tokens.put("user" + i, Tokens.valid("user" + i));
        }
        server = startServer();
        downstream = new ExpectingDownstream(tokens);
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        downstream.close();
    }

    @Test
    @Timeout(value = 50, unit = TimeUnit.SECONDS)
    void everyDownstreamCallCarriesExactlyItsOwnCallersTokenOrNone() throws Exception {
        List<String> handoffs = new ArrayList<>();
        for (String via : Handoffs.NAMES) {
            if (Handoffs.available(via)) {
                handoffs.add(via);
            }
        }
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            int caller = c;
            done.add(callers.submit(() -> {
                go.await();
                for (int r = 0; r < REQUESTS_PER_CALLER; r++) {
                    // Caller and round pick the user (one in nine has no token), hand-off, route and client.
                    int user = (caller + r) % (USERS + 1);
                    String who = user == USERS ? ExpectingDownstream.NONE : "user" + user;
                    String via = handoffs.get((caller * 5 + r) % handoffs.size());
                    String route = ROUTES.get((caller + r / 3) % ROUTES.size());
                    String client = HandoffContractTest.CLIENTS.get((caller + r) % 2);
                    String id = caller + "-" + r;
                    String path = route + "?client=" + client + "&via=" + via
                            + "&url=" + URLEncoder.encode(downstream.urlExpecting(who, id), StandardCharsets.UTF_8);
                    RawHttp.Response response = who.equals(ExpectingDownstream.NONE) ? RawHttp.get(server.baseUrl(), path)
                            : RawHttp.get(server.baseUrl(), path, RawHttp.bearer(tokens.get(who)));
                    int expected = route.equals("/async-late-call") ? 202 : 200;
                    if (response.status != expected || expected == 200 && !"200".equals(response.field("downstream"))) {
                        failures.add(id + " " + route + " " + via + " " + client + ": " + response.status + " " + response.body.trim());
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> each : done) {
            each.get();
        }
        callers.shutdown();

        int total = CALLERS * REQUESTS_PER_CALLER;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (downstream.received() < total && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), List.copyOf(failures), "requests that did not get their downstream answer");
        assertEquals(List.of(), downstream.mismatches(), "downstream calls with somebody else's token, or a token where none was due");
        assertEquals(total, downstream.received(), "downstream calls made");
    }
}
