package example.jwtagent.it;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.QueueDispatcher;
import mockwebserver3.RecordedRequest;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The scene of the Jetty 12 client tests where a service's callers share one {@code HttpClient}:
 * the service (a Jetty 12 server whose servlet serves each request as the test says), its
 * client, a MockWebServer downstream that the client's listeners call, and three callers: alice
 * and bob with their own tokens, nobody without one. Runs in the test JVM, which has the agent.
 * Closing it stops the callers, the downstream, the client and the server, in that order.
 */
final class SharedClientService implements AutoCloseable {
    /** Alice's and bob's tokens, by caller; nobody has none. */
    final Map<String, String> tokens = new HashMap<>();
    final HttpClient client;
    final MockWebServer downstream = new MockWebServer();
    final String downstreamBase;
    /** The thread alice's request ran on (where she reads her exchange to its end). */
    volatile String alicesThread;
    /** The thread each listener that called downstream ran on, by caller (and listener). */
    final Map<String, String> listenerThreads = new ConcurrentHashMap<>();
    private final ExecutorService callers = Executors.newFixedThreadPool(3);
    private Server server;
    private String base;

    private SharedClientService(HttpClient client, Dispatcher downstreamAnswers) throws Exception {
        tokens.put("alice", Tokens.valid("alice"));
        tokens.put("bob", Tokens.valid("bob"));
        this.client = client;
        downstream.setDispatcher(downstreamAnswers);
        downstream.start(InetAddress.getByName("127.0.0.1"), 0);
        downstreamBase = "http://localhost:" + downstream.getPort();
    }

    /**
     * Starts the downstream answering with {@code downstreamAnswers}, {@code client}, and a Jetty 12
     * server with 32 worker threads at most whose servlet answers each request as {@code answer} says.
     */
    static SharedClientService start(HttpClient client, Dispatcher downstreamAnswers, Answer answer) throws Exception {
        SharedClientService service = new SharedClientService(client, downstreamAnswers);
        try {
            client.start();
            service.server = Jetty12Server.started(new QueuedThreadPool(32, 3), Jetty12Server.context("/", new AnsweringServlet(service, answer)));
            service.base = "http://localhost:" + Jetty12Server.portOf(service.server);
            return service;
        } catch (Exception e) {
            service.close();
            throw e;
        }
    }

    /** {@code client}, with one connection per destination: a second request waits in the destination's queue. */
    static HttpClient oneConnectionPerDestination(HttpClient client) {
        client.setMaxConnectionsPerDestination(1);
        return client;
    }

    /** A downstream that answers {@code /long-body} with half its 64 bytes at once, the rest 300 ms later; anything else with {@code ok}. */
    static Dispatcher longBodyOrOk() {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return longBodyOrOk(request);
            }
        };
    }

    /** The answer of {@link #longBodyOrOk()} to {@code request}. */
    static MockResponse longBodyOrOk(RecordedRequest request) {
        if (request.getUrl().encodedPath().equals("/long-body")) {
            // Half the body at once, the rest 300 ms later: alice's thread reads it.
            return new MockResponse.Builder().code(200).body("x".repeat(64))
                    .throttleBody(32, 300, TimeUnit.MILLISECONDS).build();
        }
        return new MockResponse.Builder().code(200).body("ok").build();
    }

    /** A downstream that answers its first {@code count} requests with {@code ok}. */
    static Dispatcher oks(int count) {
        QueueDispatcher answers = new QueueDispatcher();
        for (int i = 0; i < count; i++) {
            answers.enqueue(new MockResponse.Builder().code(200).body("ok").build());
        }
        return answers;
    }

    /** {@code caller} sends {@code path?caller=<caller>} to the service, with its token if it has one. */
    Future<RawHttp.Response> call(String path, String caller) {
        String target = path + "?caller=" + caller;
        String token = tokens.get(caller);
        return callers.submit(() -> token == null ? RawHttp.get(base, target) : RawHttp.get(base, target, RawHttp.bearer(token)));
    }

    /** Bob calls {@code path}, then, 100 ms later, nobody does. */
    List<Future<RawHttp.Response>> bobThenNobody(String path) throws InterruptedException {
        List<Future<RawHttp.Response>> calls = new ArrayList<>();
        calls.add(call(path, "bob"));
        Thread.sleep(100);
        calls.add(call(path, "nobody"));
        return calls;
    }

    /**
     * Once the callers are done: stops them and takes what arrived downstream, each line with its
     * {@code at} parameter when {@code withAt} (see {@link QueuedArrivals}).
     */
    QueuedArrivals arrivals(boolean withAt) throws InterruptedException {
        callers.shutdownNow();
        QueuedArrivals arrivals = QueuedArrivals.collect(downstream, tokens, withAt);
        System.out.println("arrived: " + arrivals.seen + "; listeners' threads " + listenerThreads + ", alice's " + alicesThread);
        return arrivals;
    }

    /**
     * In the servlet, alice's exchange: sends {@code request} and reads its answer on this thread,
     * 16 bytes, then, after {@code pauseMillis} (the others queue meanwhile, and the rest of the
     * body arrives, unread), the rest. Returns the answer's status.
     */
    int readToTheEndOnThisThread(Request request, long pauseMillis) throws Exception {
        alicesThread = Thread.currentThread().getName();
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        Response answer = listener.get(10, TimeUnit.SECONDS);
        try (InputStream body = listener.getInputStream()) {
            byte[] buffer = new byte[16];
            body.read(buffer);
            Thread.sleep(pauseMillis);
            body.readAllBytes();
        }
        return answer.getStatus();
    }

    /** In a client listener: calls {@code /listener?caller=<caller>} downstream, noting this thread under the caller. */
    void callFromTheListener(String caller) {
        callFromTheListener(caller, null);
    }

    /** In a client listener: calls {@code /listener?caller=<caller>&at=<at>} downstream, noting this thread under "caller at". */
    void callFromTheListener(String caller, String at) {
        listenerThreads.put(at == null ? caller : caller + " " + at, Thread.currentThread().getName());
        try {
            HttpURLConnection connection = (HttpURLConnection) new URL(downstreamBase + "/listener?caller="
                    + URLEncoder.encode(caller, StandardCharsets.UTF_8) + (at == null ? "" : "&at=" + at)).openConnection();
            connection.getResponseCode();
            connection.getInputStream().readAllBytes();
            connection.disconnect();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How the service serves a request, in its servlet: the calls it makes, and the status it answers with. */
    interface Answer {
        /** The status of the answer to {@code caller}'s request for {@code path} (the {@code caller} parameter). */
        int status(SharedClientService service, String path, String caller) throws Exception;
    }

    private static final class AnsweringServlet extends HttpServlet {
        private final SharedClientService service;
        private final Answer answer;

        AnsweringServlet(SharedClientService service, Answer answer) {
            this.service = service;
            this.answer = answer;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            try {
                response.setStatus(answer.status(service, request.getRequestURI(), request.getParameter("caller")));
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
    }

    @Override
    public void close() throws Exception {
        callers.shutdownNow();
        try {
            downstream.close();
        } finally {
            try {
                client.stop();
            } finally {
                if (server != null) {
                    server.stop();
                }
            }
        }
    }
}
