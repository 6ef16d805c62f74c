package example.jwtagent.it;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
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
 * A service on Jetty 12 calling downstream with Jetty's own HttpClient, which shares the server's
 * thread pool and a few pooled connections among all requests: many callers at once, each
 * downstream call from a blocking send or from an async servlet completed in the client's listener
 * must carry exactly its own caller's token, or none.
 */
class Jetty12ClientInTheServerTest {
    private static final int CALLERS = 12;
    private static final int REQUESTS_PER_CALLER = 30;
    private static final int USERS = 6;
    static volatile HttpClient client;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyCallOfTheSharedClientCarriesItsOwnCallersTokenOrNone() throws Exception {
        Map<String, String> tokens = new LinkedHashMap<>();
        for (int i = 0; i < USERS; i++) {
            tokens.put("user" + i, Tokens.valid("user" + i));
        }
        // Enough threads for every caller's blocked request and the client's own work beside them.
        QueuedThreadPool pool = new QueuedThreadPool(64, 3);
        Server server = Jetty12Server.started(pool, Jetty12Server.context("/", new CallingServlet()));
        // Started with the server, on its pool, with few connections: requests queue for them.
        client = new HttpClient();
        client.setExecutor(pool);
        client.setMaxConnectionsPerDestination(2);
        client.start();
        String base = "http://localhost:" + Jetty12Server.portOf(server);
        try (ExpectingDownstream downstream = new ExpectingDownstream(tokens)) {
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CALLERS; c++) {
                int caller = c;
                done.add(callers.submit(() -> {
                    go.await();
                    for (int r = 0; r < REQUESTS_PER_CALLER; r++) {
                        int user = (caller + r) % (USERS + 1);
                        String who = user == USERS ? ExpectingDownstream.NONE : "user" + user;
                        String route = (caller + r) % 2 == 0 ? "/blocking" : "/async";
                        String path = route + "?url=" + URLEncoder.encode(downstream.urlExpecting(who, caller + "-" + r), StandardCharsets.UTF_8);
                        RawHttp.Response response = who.equals(ExpectingDownstream.NONE) ? RawHttp.get(base, path)
                                : RawHttp.get(base, path, RawHttp.bearer(tokens.get(who)));
                        if (response.status != 200) {
                            failures.add(caller + "-" + r + " " + route + ": " + response.status + " " + response.body.trim());
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
            assertEquals(List.of(), List.copyOf(failures), "requests that did not get their downstream answer");
            assertEquals(List.of(), downstream.mismatches(), "downstream calls with somebody else's token, or a token where none was due");
            assertEquals(CALLERS * REQUESTS_PER_CALLER, downstream.received());
        } finally {
            client.stop();
            server.stop();
        }
    }

    static final class CallingServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String url = request.getParameter("url");
            if (request.getRequestURI().equals("/blocking")) {
                try {
                    response.setStatus(client.GET(url).getStatus());
                } catch (Exception e) {
                    throw new IOException(e);
                }
                return;
            }
            AsyncContext async = request.startAsync();
            client.newRequest(url).send((Result result) -> {
                ((HttpServletResponse) async.getResponse()).setStatus(result.isSucceeded() ? result.getResponse().getStatus() : 502);
                async.complete();
            });
        }
    }
}
