package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README (attach): attached to a Tomcat that is serving requests all the while (forged tokens, no
 * token, valid tokens whose requests hand their downstream call to a pool), no request fails with
 * a 5xx and the application logs no exception; every request sent after the attach command returned
 * is decided (a forged token refused, a valid one's subject on the request and its token on the
 * downstream call), and a request without a token never sends one.
 */
class AttachUnderLoadTest {

    @Test
    void requestsServedAcrossTheAttachAreDecidedOnceItReturns() throws Exception {
        String output;
        try (Downstream downstream = new Downstream(); StartupTest.ServiceWithoutAgent service = new StartupTest.ServiceWithoutAgent()) {
            AtomicLong attachedAt = new AtomicLong(Long.MAX_VALUE);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger sequence = new AtomicInteger();
            List<String> wrong = new CopyOnWriteArrayList<>();
            Map<String, String> tokenSentAfterAttach = new ConcurrentHashMap<>();
            AtomicInteger forgedAfterAttach = new AtomicInteger();
            ExecutorService load = Executors.newFixedThreadPool(3);
            List<Future<?>> clients = new ArrayList<>();
            for (String kind : List.of("forged", "none", "valid")) {
                clients.add(load.submit(() -> {
                    while (!stop.get()) {
                        long sent = System.nanoTime();
                        String n = String.valueOf(sequence.incrementAndGet());
                        String token = kind.equals("valid") ? Tokens.valid("u" + n) : "not.a.jwt";
                        String path = kind.equals("forged") ? "/echo"
                                : "/call?client=url-connection&via=executor-submit&url="
                                + URLEncoder.encode(downstream.allowedUrl("/next?kind=" + kind + "&n=" + n), StandardCharsets.UTF_8);
                        RawHttp.Response response = kind.equals("none") ? RawHttp.get(service.baseUrl, path)
                                : RawHttp.get(service.baseUrl, path, RawHttp.bearer(token));
                        boolean after = sent > attachedAt.get();
                        if (response.status >= 500) {
                            wrong.add(kind + " answered " + response);
                        } else if (after && kind.equals("forged")) {
                            forgedAfterAttach.incrementAndGet();
                            if (response.status != 401) {
                                wrong.add("a forged token after the attach: " + response);
                            }
                        } else if (after && kind.equals("valid")) {
                            tokenSentAfterAttach.put(n, token);
                            if (response.status != 200 || !("u" + n).equals(response.field("subject"))) {
                                wrong.add("a valid token after the attach: " + response);
                            }
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(1000);
            AttachCommand attach = AttachCommand.run(service.process.pid(), "secret-file=" + System.getProperty("it.secret.file")
                    + ";audience=" + Tokens.AUDIENCE + ";outbound.allowed-hosts=localhost");
            attachedAt.set(System.nanoTime());
            assertEquals(0, attach.exitCode(), attach.output());
            Thread.sleep(3000);
            stop.set(true);
            for (Future<?> client : clients) {
                client.get(30, TimeUnit.SECONDS);
            }
            load.shutdown();

            Map<String, String> authorizationByN = new HashMap<>();
            for (RecordedRequest request; (request = downstream.poll(500)) != null; ) {
                String target = request.getTarget();
                String n = target.substring(target.indexOf("&n=") + 3);
                String authorization = String.valueOf(request.getHeaders().get("Authorization"));
                if (target.contains("kind=none") && !authorization.equals("null")) {
                    wrong.add("a request without a token sent one: " + target);
                }
                if (target.contains("kind=valid")) {
                    authorizationByN.put(n, authorization);
                }
            }
            for (Map.Entry<String, String> sent : tokenSentAfterAttach.entrySet()) {
                if (!("Bearer " + sent.getValue()).equals(authorizationByN.get(sent.getKey()))) {
                    wrong.add("request " + sent.getKey() + ", after the attach, did not propagate its token: " + authorizationByN.get(sent.getKey()));
                }
            }
            assertEquals(List.of(), wrong);
            assertTrue(forgedAfterAttach.get() > 5 && tokenSentAfterAttach.size() > 2,
                    "requests after the attach: " + forgedAfterAttach + " forged, " + tokenSentAfterAttach.size() + " valid");
            output = service.outputOnce(" started in ");
        }
        assertTrue(output.contains(" started in "), output);
        assertFalse(output.contains("Exception") || output.contains("SEVERE") || output.contains("ERROR"), output);
    }
}
