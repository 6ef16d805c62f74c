package example.jwtagent.it;

import com.auth0.jwt.algorithms.Algorithm;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One HTTP/2 connection in clear text (prior knowledge, OkHttp) to a container serving
 * {@link ReadingServlet}: streams with a forged token and a request body, which the agent refuses and
 * nothing reads then, and after them alice's stream with a valid token and a body of the same size
 * (another caller's, through a proxy that multiplexes its callers on one connection). Hers must still
 * be served: its body must not wait for connection flow-control credit that the refused streams'
 * unread bodies took. Used by each container's {@code *Http2RefusedBodyTest}.
 */
final class RefusedBodyStreams {
    private static final String FORGED = Tokens.signedWith(Algorithm.HMAC256("not-the-service-secret-not-the-service-secret"),
            "mallory", b -> { });

    private RefusedBodyStreams() {
    }

    /** {@code refused} forged streams of {@code bodyBytes} each, then alice's, on one connection to {@code port}. */
    static void aValidStreamIsServedAfterRefusedOnes(int port, int refused, int bodyBytes, Downstream downstream) throws Exception {
        OkHttpClient client = new OkHttpClient.Builder()
                .protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))
                .readTimeout(10, TimeUnit.SECONDS)
                .writeTimeout(10, TimeUnit.SECONDS)
                .build();
        String url = "http://localhost:" + port + "/upload";
        byte[] body = new byte[bodyBytes];
        try {
            for (int i = 0; i < refused; i++) {
                try (Response answer = client.newCall(new Request.Builder().url(url).header("Authorization", "Bearer " + FORGED)
                        .post(slowly(body)).build()).execute()) {
                    assertEquals(401, answer.code());
                    String challenge = answer.header("WWW-Authenticate");
                    assertTrue(challenge != null && challenge.startsWith("Bearer ") && challenge.contains("error=\"invalid_token\""),
                            String.valueOf(challenge));
                    answer.body().string();
                }
            }
            String alice = Tokens.valid("alice");
            try (Response served = client.newCall(new Request.Builder().url(url).header("Authorization", "Bearer " + alice)
                    .post(RequestBody.create(body, null)).build()).execute()) {
                assertEquals(200, served.code());
                assertEquals(String.valueOf(bodyBytes), served.body().string());
            }
            assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
            assertEquals(1, client.connectionPool().connectionCount(), "one connection throughout");
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    /** The body in chunks a moment apart, as a client uploading over a slower link sends it: the refusal comes first. */
    private static RequestBody slowly(byte[] body) {
        return new RequestBody() {
            @Override
            public okhttp3.MediaType contentType() {
                return null;
            }

            @Override
            public long contentLength() {
                return body.length;
            }

            @Override
            public void writeTo(okio.BufferedSink sink) throws IOException {
                int chunk = body.length / 3;
                for (int offset = 0; offset < body.length; offset += chunk) {
                    sink.write(body, offset, Math.min(chunk, body.length - offset));
                    sink.flush();
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException();
                    }
                }
            }
        };
    }

    /** Reads the whole body, calls the downstream service (with the request's token, if any), answers the byte count. */
    static final class ReadingServlet extends HttpServlet {
        private final Downstream downstream;

        ReadingServlet(Downstream downstream) {
            this.downstream = downstream;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            int read = request.getInputStream().readAllBytes().length;
            DownstreamClients.urlConnection(downstream.allowedUrl("/after-upload"), null);
            response.getWriter().print(read);
        }
    }
}
