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
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tomcat 11 over HTTP/2 in clear text (prior knowledge), as UndertowHttp2RefusedBodyTest for Undertow: the agent refuses a stream with a forged token
 * and a request body, which nothing reads then. The streams that follow on the same connection (another
 * caller's, with a valid token, through a proxy that multiplexes its callers on one connection) must
 * still be served: their bodies must not wait for connection flow-control credit that the refused
 * streams' unread bodies took.
 */
class TomcatHttp2RefusedBodyTest {
    private static final String FORGED = Tokens.signedWith(Algorithm.HMAC256("not-the-service-secret-not-the-service-secret"),
            "mallory", b -> { });
    private static volatile Downstream downstream;

    @Test
    void streamsAfterRefusedOnesWithBodiesAreStillServed() throws Exception {
        downstream = new Downstream();
        org.apache.catalina.startup.Tomcat tomcat = new org.apache.catalina.startup.Tomcat();
        tomcat.setBaseDir(java.nio.file.Files.createTempDirectory("tomcat-h2-body").toString());
        org.apache.catalina.connector.Connector connector = new org.apache.catalina.connector.Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.addUpgradeProtocol(new org.apache.coyote.http2.Http2Protocol());
        tomcat.setConnector(connector);
        org.apache.catalina.Context context = tomcat.addContext("", null);
        org.apache.catalina.startup.Tomcat.addServlet(context, "app", new ReadingServlet());
        context.addServletMappingDecoded("/*", "app");
        tomcat.start();
        int port = connector.getLocalPort();
        OkHttpClient client = new OkHttpClient.Builder()
                .protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))
                .readTimeout(10, TimeUnit.SECONDS)
                .writeTimeout(10, TimeUnit.SECONDS)
                .build();
        String url = "http://localhost:" + port + "/upload";
        byte[] body = new byte[40_000];
        try {
            for (int i = 0; i < 4; i++) {
                try (Response refused = client.newCall(new Request.Builder().url(url).header("Authorization", "Bearer " + FORGED)
                        .post(slowly(body)).build()).execute()) {
                    assertEquals(401, refused.code());
                    String challenge = refused.header("WWW-Authenticate");
                    assertTrue(challenge != null && challenge.startsWith("Bearer ") && challenge.contains("error=\"invalid_token\""),
                            String.valueOf(challenge));
                    refused.body().string();
                }
            }
            String alice = Tokens.valid("alice");
            try (Response served = client.newCall(new Request.Builder().url(url).header("Authorization", "Bearer " + alice)
                    .post(RequestBody.create(body, null)).build()).execute()) {
                assertEquals(200, served.code());
                assertEquals("40000", served.body().string());
            }
            assertEquals(List.of("Bearer " + alice), downstream.takeAuthorization());
            assertEquals(1, client.connectionPool().connectionCount(), "one connection throughout");
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
            tomcat.stop();
            tomcat.destroy();
            downstream.close();
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

    static final class ReadingServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            int read = request.getInputStream().readAllBytes().length;
            DownstreamClients.urlConnection(downstream.allowedUrl("/after-upload"), null);
            response.getWriter().print(read);
        }
    }
}
