package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spring Boot service of SpringBootJarTest under concurrent callers alice, bob and one without a token,
 * through the ways a Spring service hands work on, and through the {@code WebClient} Spring Boot builds for it:
 * each downstream call must carry its own caller's token only, and the {@code @Scheduled} job none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringBootStackTest {
    private ChildJvm service;
    private Downstream downstream;
    private final Map<String, String> tokens = Map.of("alice", Tokens.valid("alice"), "bob", Tokens.valid("bob"));

    @BeforeAll
    void start() throws Exception {
        downstream = new Downstream();
        ChildJvm.Builder builder = SpringBootApp.withAgent();
        if (Runtime.version().feature() >= 21) {
            // Where there are virtual threads, as Spring Boot runs with them switched on: Tomcat's request
            // threads, @Async and the scheduler's tasks on virtual threads.
            builder.argument("--spring.threads.virtual.enabled=true");
        }
        service = SpringBootApp.startAndAwait(builder, "/public/calls");
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

    private static final String[] WAYS = {"/stack/deferred-scheduler", "/stack/supply-async", "/stack/emitter", "/stack/sse",
            "/stack/decorated", "/stack/security-executor", "/stack/rest-template", "/call-callable", "/call-future", "/call-deferred",
            "/attrs/web-async-task", "/stack/mono-elastic", "/stack/mono-delay", "/stack/fail", "/stack/callable-fail", "/stack/deferred-unhandled-timeout", "/call?via=async-rest-client", "/call?via=task-executor",
            "/web-client/block", "/web-client/mono", "/web-client/elastic"};

    @Test
    void everyCallCarriesItsOwnCallersTokenOnlyAndTheScheduledJobNone() throws Exception {
        assertEquals(200, RawHttp.get(service.baseUrl(), "/stack/public-info?scheduled-to=" + downstream.allowedUrl("/scheduled")).status);
        ExecutorService callers = Executors.newFixedThreadPool(6);
        List<Future<String>> answers = new ArrayList<>();
        int n = 0;
        for (int round = 0; round < 6; round++) {
            for (String way : WAYS) {
                for (String who : new String[] {"alice", "bob", "none"}) {
                    String id = "/" + who + "/" + (n++);
                    String sep = way.contains("?") ? "&" : "?";
                    String query = way + sep + "to=" + downstream.allowedUrl(id) + "&error-to=" + downstream.allowedUrl(id + "/error")
                            + "&dispatch-to=" + downstream.allowedUrl(id + "/dispatch");
                    answers.add(callers.submit(() -> {
                        RawHttp.Response r = who.equals("none") ? RawHttp.get(service.baseUrl(), query)
                                : RawHttp.get(service.baseUrl(), query, RawHttp.bearer(tokens.get(who)));
                        int expected = way.equals("/stack/deferred-unhandled-timeout") ? 503 : way.contains("fail") ? 500 : 200;
                        return r.status == expected ? "" : way + " " + who + ": " + r + "\n";
                    }));
                }
            }
        }
        StringBuilder failures = new StringBuilder();
        for (Future<String> answer : answers) {
            failures.append(answer.get(60, TimeUnit.SECONDS));
        }
        callers.shutdown();
        assertEquals(200, RawHttp.get(service.baseUrl(), "/stack/public-info?scheduled-to=off").status);
        Thread.sleep(500);
        int scheduled = 0;
        Map<String, Integer> seen = new HashMap<>();
        RecordedRequest request;
        while ((request = downstream.poll(1000)) != null) {
            String target = request.getTarget();
            List<String> authorization = request.getHeaders().values("Authorization");
            String who = target.split("/")[1];
            if (target.startsWith("/scheduled")) {
                scheduled++;
                if (!authorization.isEmpty()) {
                    failures.append("the @Scheduled job sent ").append(authorization).append('\n');
                }
                continue;
            }
            seen.merge(target.replaceAll("/\\d+", ""), 1, Integer::sum);
            List<String> expected = who.equals("none") ? List.of() : List.of("Bearer " + tokens.get(who));
            if (!expected.equals(authorization)) {
                failures.append(target).append(" sent ").append(authorization.isEmpty() ? "[]" : authorization.get(0).substring(0, 20) + "... of "
                        + (authorization.get(0).equals("Bearer " + tokens.get("alice")) ? "alice" : "bob")).append('\n');
            }
        }
        System.out.println("SEEN " + seen + " scheduled=" + scheduled);
        assertTrue(scheduled > 0, "the scheduled job never ran");
        assertEquals("", failures.toString(), "seen " + seen + "\n" + service.output());
    }

    private String who(RecordedRequest request) {
        List<String> authorization = request.getHeaders().values("Authorization");
        if (authorization.isEmpty()) {
            return "none";
        }
        for (Map.Entry<String, String> token : tokens.entrySet()) {
            if (authorization.equals(List.of("Bearer " + token.getValue()))) {
                return token.getKey();
            }
        }
        return authorization.toString();
    }

    private RawHttp.Response as(String who, String pathAndQuery) throws Exception {
        return who.equals("none") ? RawHttp.get(service.baseUrl(), pathAndQuery) : RawHttp.get(service.baseUrl(), pathAndQuery, RawHttp.bearer(tokens.get(who)));
    }

    /** A long poll or a subscription one caller waits on, ended by another caller's request on its own thread. */
    @Test
    void aWaitingRequestEndedByAnotherCallersRequestKeepsItsOwnToken() throws Exception {
        StringBuilder failures = new StringBuilder();
        ExecutorService waiters = Executors.newCachedThreadPool();
        int n = 0;
        for (String way : new String[] {"poll", "subscribe"}) {
            for (String[] pair : new String[][] {{"alice", "bob"}, {"none", "bob"}, {"alice", "none"}}) {
                String id = way + (n++);
                Future<RawHttp.Response> waiting = waiters.submit(() -> as(pair[0], "/stack/" + way + "?id=" + id
                        + "&dispatch-to=" + downstream.allowedUrl("/" + pair[0] + "/dispatch/" + id)));
                RawHttp.Response published = as(pair[1], "/stack/publish?id=" + id + "&to=" + downstream.allowedUrl("/" + pair[1] + "/publish/" + id));
                assertEquals("done", published.body, published.toString());
                RawHttp.Response waited = waiting.get(20, TimeUnit.SECONDS);
                assertEquals(200, waited.status, waited.toString());
                for (int i = 0; i < 2; i++) {
                    RecordedRequest request = downstream.take();
                    String expected = request.getTarget().split("/")[1];
                    if (!expected.equals(who(request))) {
                        failures.append(request.getTarget()).append(" sent the token of ").append(who(request)).append('\n');
                    }
                }
            }
        }
        waiters.shutdown();
        assertEquals("", failures.toString());
    }

    /**
     * Spring MVC's timeout callbacks (WebAsyncTask.onTimeout, DeferredResult.onTimeout), registered during the request, calling
     * downstream: they run in the container's AsyncListener.onTimeout, and should carry their request's token.
     */
    @Test
    void timeoutCallbacksCallWithTheirRequestsToken() throws Exception {
        StringBuilder report = new StringBuilder();
        StringBuilder failures = new StringBuilder();
        for (String way : new String[] {"async-timeout", "deferred-timeout"}) {
            for (String caller : new String[] {"alice", "none", "bob"}) {
                RawHttp.Response answer = as(caller, "/stack/" + way + "?to=" + downstream.allowedUrl("/" + caller + "/" + way));
                RecordedRequest request = downstream.take();
                report.append(way).append(' ').append(caller).append(" -> ").append(who(request)).append(" | ").append(answer.status).append(' ').append(answer.body).append('\n');
                if (!who(request).equals(caller)) {
                    failures.append(way).append(": ").append(caller).append("'s callback sent ").append(who(request)).append('\n');
                }
            }
        }
        System.out.println("TIMEOUTS\n" + report);
        System.out.println(service.output().lines().filter(line -> line.contains("async-timeout") || line.contains("Exception") || line.contains("ERROR"))
                .limit(40).collect(java.util.stream.Collectors.joining("\n")));
        assertEquals("", failures.toString(), report.toString());
    }

    /**
     * A long poll whose token expires while it waits: its async dispatch is not decided again (200, not 401),
     * and a call made there no longer carries the expired token.
     */
    @Test
    void aTokenThatExpiresWhileTheRequestWaitsIsNotDecidedAgainAndNoLongerSent() throws Exception {
        String shortLived = Tokens.signed("carol", b -> b.withIssuedAt(java.time.Instant.now().minusSeconds(5))
                .withExpiresAt(java.time.Instant.now().plusSeconds(2)));
        ExecutorService waiter = Executors.newSingleThreadExecutor();
        Future<RawHttp.Response> waiting = waiter.submit(() -> RawHttp.get(service.baseUrl(), "/stack/poll?id=expiring&dispatch-to="
                + downstream.allowedUrl("/expiring/dispatch"), RawHttp.bearer(shortLived)));
        Thread.sleep(3500);
        RawHttp.Response published = RawHttp.get(service.baseUrl(), "/stack/publish?id=expiring&to=" + downstream.allowedUrl("/none/publish"));
        assertEquals("done", published.body, published.toString());
        RawHttp.Response waited = waiting.get(20, TimeUnit.SECONDS);
        waiter.shutdown();
        assertEquals(200, waited.status, waited.toString());
        assertEquals("carol", waited.header("X-Dispatch-Subject"), waited.toString());
        for (int i = 0; i < 2; i++) {
            RecordedRequest request = downstream.take();
            assertEquals(List.of(), request.getHeaders().values("Authorization"), request.getTarget() + " sent a token");
        }
    }

    @Test
    void aRejectedRequestNeverReachesSpringSecurityAndAnExcludedPathsErrorDispatchIsNotDecidedAgain() throws Exception {
        String forged = tokens.get("alice").substring(0, tokens.get("alice").lastIndexOf('.') + 1) + "AAAAAAAA";
        int before = seenBySecurity();
        RawHttp.Response refused = RawHttp.get(service.baseUrl(), "/stack/rest-template?to=" + downstream.allowedUrl("/x"), RawHttp.bearer(forged));
        assertEquals(401, refused.status, refused.toString());
        assertEquals(before + 1, seenBySecurity(), "Spring Security's filters saw the rejected request");
        RawHttp.Response missing = RawHttp.get(service.baseUrl(), "/public/no-such-thing", RawHttp.bearer(forged));
        assertEquals(404, missing.status, missing.toString());

        RawHttp.Response excluded = RawHttp.get(service.baseUrl(), "/public/no-such-thing?error-to=" + downstream.allowedUrl("/excluded-error"),
                RawHttp.bearer(tokens.get("alice")));
        assertEquals(404, excluded.status, excluded.toString());
        assertTrue(excluded.body.contains("\"subject\":\"null\""), excluded.toString());
        RecordedRequest fromErrorPage = downstream.take();
        assertEquals("/excluded-error", fromErrorPage.getTarget());
        assertEquals(List.of(), fromErrorPage.getHeaders().values("Authorization"), "the error dispatch of an excluded path sent the token");
    }

    private int seenBySecurity() throws Exception {
        return Integer.parseInt(RawHttp.get(service.baseUrl(), "/stack/public-info").body.trim().split(" ")[1]);
    }
}
