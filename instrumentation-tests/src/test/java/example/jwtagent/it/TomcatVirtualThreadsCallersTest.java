package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tomcat 11 with {@code useVirtualThreads} in this JVM: alice, bob and a caller without a token call
 * it at the same time, over and over, through a servlet that calls downstream on the request's
 * thread, from {@code AsyncContext.start} and after {@code AsyncContext.dispatch}, with clients
 * that hand the call to threads of their own. Each call downstream carries its own caller's token, or none.
 */
class TomcatVirtualThreadsCallersTest {
    private static final String[] PATHS = {"/call", "/async-call", "/dispatch-call"};
    private static final String[] CLIENTS = {"url-connection", "jdk-async", "apache5-async", "okhttp", "webclient"};

    @Test
    void concurrentCallersEachCallDownstreamWithTheirOwnToken() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads");
        String alice = Tokens.valid("alice");
        String bob = Tokens.valid("bob");
        ExecutorService callers = Executors.newFixedThreadPool(6);
        try (TestServer service = new TomcatJakartaServer(4, true); Downstream downstream = new Downstream()) {
            List<Future<?>> calls = new ArrayList<>();
            int rounds = 3;
            for (int round = 0; round < rounds; round++) {
                for (String path : PATHS) {
                    for (String client : CLIENTS) {
                        for (String caller : new String[] {"alice", "bob", "none"}) {
                            String token = caller.equals("alice") ? alice : caller.equals("bob") ? bob : null;
                            String target = downstream.allowedUrl("/" + caller + path + "/" + client);
                            String query = path + "?client=" + client + "&url=" + URLEncoder.encode(target, StandardCharsets.UTF_8);
                            calls.add(callers.submit(() -> {
                                RawHttp.Response response = token == null ? RawHttp.get(service.baseUrl(), query)
                                        : RawHttp.get(service.baseUrl(), query, RawHttp.bearer(token));
                                assertEquals(200, response.status, response.toString());
                                return null;
                            }));
                        }
                    }
                }
            }
            for (Future<?> call : calls) {
                call.get();
            }
            Map<String, Integer> wrong = new TreeMap<>();
            for (int i = 0; i < calls.size(); i++) {
                RecordedRequest request = downstream.take();
                String caller = request.getTarget().split("/")[1];
                List<String> expected = caller.equals("none") ? List.of() : List.of("Bearer " + (caller.equals("alice") ? alice : bob));
                if (!expected.equals(request.getHeaders().values("Authorization"))) {
                    wrong.merge(request.getTarget(), 1, Integer::sum);
                }
            }
            assertEquals(Map.of(), wrong, "calls that went without their own caller's token");
        } finally {
            callers.shutdownNow();
        }
    }
}
