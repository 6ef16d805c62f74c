package example.jwtagent.it;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import javax.net.ssl.TrustManager;
import java.time.Duration;

/**
 * One client of each library shared by every caller, over HTTPS with {@link TestTls}'s
 * certificate, speaking HTTP/2 where the server offers it (ALPN): every caller's calls to a host
 * go as streams of one connection (Reactor Netty's pool is given one connection, which it
 * multiplexes; with more it may open another while the first is busy).
 */
final class Http2OverTlsClients {
    /** Event loops of these exchanges' own (see {@link ReactorWaitingExchanges}). */
    private static final LoopResources LOOPS = LoopResources.create("h2-over-tls", 1, true);
    private static OkHttpClient okHttp;
    private static HttpClient reactor;

    private Http2OverTlsClients() {
    }

    static int okHttp(String url, String authorization) throws Exception {
        Request.Builder request = new Request.Builder().url(url);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try (Response response = okHttpClient().newCall(request.build()).execute()) {
            response.body().bytes();
            return response.code();
        }
    }

    static int reactor(String url, String authorization) throws Exception {
        Integer status = reactorClient()
                .headers(headers -> {
                    if (authorization != null) {
                        headers.set("Authorization", authorization);
                    }
                })
                .get().uri(url)
                .responseSingle((response, body) -> body.asString().defaultIfEmpty("").thenReturn(response.status().code()))
                .block(Duration.ofSeconds(20));
        return status == null ? 0 : status;
    }

    private static synchronized OkHttpClient okHttpClient() throws Exception {
        if (okHttp == null) {
            okHttp = new OkHttpClient.Builder().sslSocketFactory(TestTls.client().getSocketFactory(), TestTls.trustManager()).build();
        }
        return okHttp;
    }

    private static synchronized HttpClient reactorClient() throws Exception {
        if (reactor == null) {
            TrustManager trusted = TestTls.trustManager();
            reactor = HttpClient.create(ConnectionProvider.create("h2-over-tls", 1)).runOn(LOOPS)
                    .protocol(HttpProtocol.H2)
                    .secure(spec -> spec.sslContext(Http2SslContextSpec.forClient()
                            .configure(builder -> builder.trustManager(trusted))));
        }
        return reactor;
    }
}
