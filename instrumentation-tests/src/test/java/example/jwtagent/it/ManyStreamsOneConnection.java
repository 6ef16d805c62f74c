package example.jwtagent.it;

import com.auth0.jwt.algorithms.Algorithm;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many HTTP/2 streams at once on one connection in clear text (prior knowledge, OkHttp), with
 * alice's, bob's, a forged or an expired token or none, whose servlets ({@link AppServlet}) read
 * their bodies blocking or with a ReadListener, or hand off with AsyncContext.start. Each runs with
 * its own stream's token (or none; a ReadListener's callbacks with none, as documented) and calls
 * downstream with it, never with another stream's; a forged or expired one never runs. Used by each
 * container's {@code *Http2ServerStreamsTest}.
 */
final class ManyStreamsOneConnection {
    private static final String FORGED = Tokens.signedWith(Algorithm.HMAC256("not-the-service-secret-not-the-service-secret"),
            "mallory", b -> { });
    private static final String EXPIRED = Tokens.signed("late", b -> b.withExpiresAt(java.time.Instant.now().minusSeconds(120)));
    private final Map<String, String> sent = new ConcurrentHashMap<>();
    private final List<String> wrong = Collections.synchronizedList(new ArrayList<>());
    private final Downstream downstream;

    ManyStreamsOneConnection(Downstream downstream) {
        this.downstream = downstream;
    }

    /** The servlet to serve every path with. */
    AppServlet servlet() {
        return new AppServlet();
    }

    /** Six rounds of every mode for every caller, {@code bodyBytes} each, at once on one connection to {@code port}. */
    void eachStreamRunsWithItsOwnToken(int port, int bodyBytes) throws Exception {
        OkHttpClient client = new OkHttpClient.Builder().protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))
                .readTimeout(20, TimeUnit.SECONDS).build();
        client.dispatcher().setMaxRequests(200);
        client.dispatcher().setMaxRequestsPerHost(200);
        String base = "http://localhost:" + port;
        Map<String, Integer> statuses = new ConcurrentHashMap<>();
        List<String> tags = new ArrayList<>();
        String[] modes = {"sync", "read-listener", "async-start"};
        String[] who = {"alice", "bob", "forged", "none", "expired"};
        for (int round = 0; round < 6; round++) {
            for (String mode : modes) {
                for (String caller : who) {
                    String tag = caller + "-" + mode + "-" + round;
                    tags.add(tag);
                    sent.put(tag, caller.equals("none") ? "" : caller.equals("forged") ? FORGED : caller.equals("expired") ? EXPIRED : Tokens.valid(caller));
                }
            }
        }
        CountDownLatch done = new CountDownLatch(tags.size());
        try {
            for (String tag : tags) {
                Request.Builder request = new Request.Builder().url(base + "/" + tag.split("-")[1] + "?tag=" + tag)
                        .post(RequestBody.create(new byte[bodyBytes], null));
                if (!sent.get(tag).isEmpty()) {
                    request.header("Authorization", "Bearer " + sent.get(tag));
                }
                client.newCall(request.build()).enqueue(new Callback() {
                    @Override
                    public void onFailure(Call call, IOException e) {
                        statuses.put(tag, -1);
                        done.countDown();
                    }

                    @Override
                    public void onResponse(Call call, Response response) throws IOException {
                        try (response) {
                            response.body().string();
                            statuses.put(tag, response.code());
                        }
                        done.countDown();
                    }
                });
            }
            assertTrue(done.await(60, TimeUnit.SECONDS), "answered: " + statuses.size());
            int served = 0;
            for (String tag : tags) {
                int expected = tag.startsWith("forged") || tag.startsWith("expired") ? 401 : 200;
                assertEquals(expected, statuses.get(tag), tag);
                if (expected == 200) {
                    served++;
                }
            }
            for (int i = 0; i < served; i++) {
                RecordedRequest request = downstream.take();
                String tag = request.getUrl().encodedPath().substring(1);
                String token = sent.get(tag);
                List<String> got = request.getHeaders().values("Authorization");
                if (!(tag.contains("-read-") && got.isEmpty())) {
                    assertEquals(token.isEmpty() ? List.of() : List.of("Bearer " + token), got, tag);
                }
            }
            assertEquals(List.of(), wrong);
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    private static String current() {
        try {
            Object carried = Class.forName("dev.jwtagent.bootstrap.TokenCarrier").getMethod("current").invoke(null);
            return carried == null ? "" : (String) carried.getClass().getMethod("value").invoke(carried);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private void check(String tag, String where) {
        if (tag.startsWith("forged") || tag.startsWith("expired")) {
            wrong.add(tag + " ran at " + where);
        }
        String current = current();
        // A ReadListener is called with no token (README, servlet-async): there, none is fine; never another's.
        boolean noneIsFine = tag.contains("-read-");
        if (!current.equals(sent.get(tag)) && !(noneIsFine && current.isEmpty())) {
            wrong.add(tag + " at " + where + " held " + (current.isEmpty() ? "none" : current.equals(FORGED) ? "forged" : "another token"));
        }
    }

    private void call(String tag, String where) {
        check(tag, where);
        try {
            DownstreamClients.urlConnection(downstream.allowedUrl("/" + tag), null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        check(tag, where + " after the call");
    }

    /** The application: reads the body blocking ({@code /sync}), with a ReadListener ({@code /read}) or in AsyncContext.start ({@code /async}), and calls downstream. */
    final class AppServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String tag = request.getParameter("tag");
            check(tag, "service");
            String mode = tag.split("-")[1];
            if (mode.equals("sync")) {
                int read = request.getInputStream().readAllBytes().length;
                call(tag, "sync after reading " + read);
                response.getWriter().print(read);
                return;
            }
            AsyncContext async = request.startAsync();
            async.setTimeout(30_000);
            if (mode.equals("async")) {
                async.start(() -> {
                    try {
                        request.getInputStream().readAllBytes();
                        call(tag, "async-start");
                        async.getResponse().getWriter().print("ok");
                    } catch (IOException e) {
                        wrong.add(tag + " " + e);
                    }
                    async.complete();
                });
                return;
            }
            ServletInputStream in = request.getInputStream();
            byte[] buffer = new byte[4096];
            in.setReadListener(new ReadListener() {
                @Override
                public void onDataAvailable() throws IOException {
                    check(tag, "onDataAvailable");
                    while (in.isReady() && !in.isFinished()) {
                        if (in.read(buffer) < 0) {
                            break;
                        }
                    }
                }

                @Override
                public void onAllDataRead() throws IOException {
                    call(tag, "onAllDataRead");
                    async.getResponse().getWriter().print("ok");
                    async.complete();
                }

                @Override
                public void onError(Throwable t) {
                    wrong.add(tag + " onError " + t);
                    async.complete();
                }
            });
        }
    }
}
