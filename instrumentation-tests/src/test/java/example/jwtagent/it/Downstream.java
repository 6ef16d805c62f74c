package example.jwtagent.it;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A MockWebServer playing the downstream service: answers 200 and records what arrived. */
public final class Downstream implements AutoCloseable {
    private final MockWebServer server = new MockWebServer();

    public Downstream() throws IOException {
        this(null);
    }

    /** @param redirectTo when not null, every request is answered with a 302 to this URL */
    public Downstream(String redirectTo) throws IOException {
        this(redirectTo, 302);
    }

    /** @param redirectTo when not null, every request is answered with {@code status} and this {@code Location} */
    public Downstream(String redirectTo, int status) throws IOException {
        this(redirectTo, status, false, 0);
    }

    /** A downstream service that speaks HTTP/2 in clear text only, to clients that know it beforehand. */
    public static Downstream http2Only() throws IOException {
        return new Downstream(null, 200, true, 0);
    }

    /** A downstream service that takes {@code millis} before it answers each request. */
    public static Downstream slow(int millis) throws IOException {
        return new Downstream(null, 200, false, millis);
    }

    /**
     * A downstream service whose answers a cache may keep for ten minutes, one per
     * {@code Authorization} ({@code Vary: Authorization}), as a service answering per user does.
     */
    public static Downstream cacheablePerAuthorization() throws IOException {
        return new Downstream(null, 200, false, 0, true);
    }

    /**
     * A downstream service that, beside answering 200, accepts a WebSocket on {@code /ws} and closes
     * it at once (the client then answers the close, and its listener's {@code onClosed} runs).
     */
    public static Downstream withWebSocketsItCloses() throws IOException {
        return new Downstream(null, 200, false, 0, false, true);
    }

    /**
     * A downstream service over HTTPS with {@link TestTls}'s certificate for {@code localhost};
     * with {@code redirectTo}, every request is answered with a 302 to it.
     */
    public static Downstream https(String redirectTo) throws Exception {
        return new Downstream(redirectTo, 302, false, 0, false, false, TestTls.server().getSocketFactory());
    }

    /** As {@link #https(String)}, each 302 sent {@code millis} after its request arrived. */
    public static Downstream httpsSlow(String redirectTo, int millis) throws Exception {
        return new Downstream(redirectTo, 302, false, millis, false, false, TestTls.server().getSocketFactory());
    }

    private Downstream(String redirectTo, int status, boolean http2Only, int delayMillis) throws IOException {
        this(redirectTo, status, http2Only, delayMillis, false, false);
    }

    private Downstream(String redirectTo, int status, boolean http2Only, int delayMillis, boolean cacheable) throws IOException {
        this(redirectTo, status, http2Only, delayMillis, cacheable, false);
    }

    private Downstream(String redirectTo, int status, boolean http2Only, int delayMillis, boolean cacheable, boolean webSockets)
            throws IOException {
        this(redirectTo, status, http2Only, delayMillis, cacheable, webSockets, null);
    }

    private Downstream(String redirectTo, int status, boolean http2Only, int delayMillis, boolean cacheable, boolean webSockets,
                       javax.net.ssl.SSLSocketFactory tls) throws IOException {
        if (tls != null) {
            server.useHttps(tls);
        }
        if (http2Only) {
            server.setProtocols(List.of(okhttp3.Protocol.H2_PRIOR_KNOWLEDGE));
        }
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                if (webSockets && request.getUrl().encodedPath().equals("/ws")) {
                    return new MockResponse.Builder().webSocketUpgrade(new okhttp3.WebSocketListener() {
                        @Override
                        public void onOpen(okhttp3.WebSocket webSocket, okhttp3.Response response) {
                            webSocket.close(1000, "bye");
                        }
                    }).build();
                }
                if (redirectTo != null) {
                    return new MockResponse.Builder().code(status).setHeader("Location", redirectTo)
                            .headersDelay(delayMillis, TimeUnit.MILLISECONDS).build();
                }
                MockResponse.Builder ok = new MockResponse.Builder().code(200).body("ok").headersDelay(delayMillis, TimeUnit.MILLISECONDS);
                if (cacheable) {
                    ok.setHeader("Cache-Control", "private, max-age=600").setHeader("Vary", "Authorization");
                }
                return ok.build();
            }
        });
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    /** The URL under the name the test JVM's agent allows ({@code localhost}). */
    public String allowedUrl(String path) {
        return scheme() + "://localhost:" + server.getPort() + path;
    }

    /** The same server under a name the test JVM's agent does not allow ({@code 127.0.0.1}). */
    public String notAllowedUrl(String path) {
        return scheme() + "://127.0.0.1:" + server.getPort() + path;
    }

    private String scheme() {
        return server.url("/").isHttps() ? "https" : "http";
    }

    /** The next recorded request; fails the test if none arrives within 10 seconds. */
    public RecordedRequest take() throws InterruptedException {
        RecordedRequest request = server.takeRequest(10, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no request reached the downstream service");
        }
        return request;
    }

    /** All values of {@code Authorization} on the next recorded request. */
    public List<String> takeAuthorization() throws InterruptedException {
        return take().getHeaders().values("Authorization");
    }

    /** The {@code Authorization} values of the next recorded request joined by commas, or null when it had none. */
    public String takeAuthorizationJoined() throws InterruptedException {
        List<String> values = takeAuthorization();
        return values.isEmpty() ? null : String.join(",", values);
    }

    /** The next recorded request, or null when none arrives within {@code millis}. */
    public RecordedRequest poll(int millis) throws InterruptedException {
        return server.takeRequest(millis, TimeUnit.MILLISECONDS);
    }

    public int requestCount() {
        return server.getRequestCount();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
