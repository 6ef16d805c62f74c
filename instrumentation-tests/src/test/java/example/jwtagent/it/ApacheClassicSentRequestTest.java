package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the classic Apache clients (4.5 and 5.6) show the application of the request they sent:
 * the request in the exchange's context ({@code HttpClientContext.getRequest()}), which a response
 * interceptor reads (to log the exchange, say) and the application can read after the call, or
 * copy onto a request to another host (replaying it). The agent's header must not be there once
 * the request is sent: otherwise it is printed, or goes to a host not allowed as a header the
 * application set. The token itself goes to the allowed host. In this JVM, with the token made
 * current as a request's own code would have it.
 */
class ApacheClassicSentRequestTest {
    @Test
    void apache4ContextShowsNoTokenAfterTheSend() throws Exception {
        String alice = Tokens.valid("alice");
        try (Downstream allowed = new Downstream(); Downstream other = new Downstream()) {
            List<String> seen = new ArrayList<>();
            org.apache.http.client.protocol.HttpClientContext context = org.apache.http.client.protocol.HttpClientContext.create();
            try (org.apache.http.impl.client.CloseableHttpClient client = org.apache.http.impl.client.HttpClients.custom()
                    .addInterceptorLast((org.apache.http.HttpResponseInterceptor) (response, exchange) -> {
                        for (org.apache.http.Header header : org.apache.http.protocol.HttpCoreContext.adapt(exchange).getRequest().getAllHeaders()) {
                            seen.add("response interceptor " + header);
                        }
                    }).build()) {
                CurrentToken.with(alice, () -> {
                    try (org.apache.http.client.methods.CloseableHttpResponse response =
                                 client.execute(new org.apache.http.client.methods.HttpGet(allowed.allowedUrl("/orders")), context)) {
                        return response.getStatusLine().getStatusCode();
                    }
                });
                for (org.apache.http.Header header : context.getRequest().getAllHeaders()) {
                    seen.add("context " + header);
                }
                // The request as sent, replayed to another instance.
                org.apache.http.client.methods.HttpGet replay = new org.apache.http.client.methods.HttpGet(other.notAllowedUrl("/orders"));
                for (org.apache.http.Header header : context.getRequest().getAllHeaders()) {
                    if (!header.getName().equalsIgnoreCase("Host")) {
                        replay.addHeader(header);
                    }
                }
                CurrentToken.with(alice, () -> {
                    try (org.apache.http.client.methods.CloseableHttpResponse response = client.execute(replay)) {
                        return response.getStatusLine().getStatusCode();
                    }
                });
            }
            assertEquals(List.of("Bearer " + alice), allowed.takeAuthorization());
            assertEquals(List.of(), other.takeAuthorization(), "the replay took the token to a host not allowed");
            assertEquals(List.of(), seen.stream().filter(line -> line.contains(alice)).map(line -> line.replace(alice, "<alice>")).toList());
        }
    }

    /**
     * The downstream refuses the token (401, {@code WWW-Authenticate: Bearer error="invalid_token"}),
     * an answer the client does not retry: the request it sent still must not show the token, to a
     * response interceptor that logs the failed exchange or to a replay to another instance. The
     * client never sends the agent's {@code Authorization} again after a challenge (it takes it off
     * itself before answering one), so nothing is gained by leaving it there.
     */
    @Test
    void apache4ContextShowsNoTokenAfterA401() throws Exception {
        String alice = Tokens.valid("alice");
        try (mockwebserver3.MockWebServer refusing = new mockwebserver3.MockWebServer(); Downstream other = new Downstream()) {
            refusing.enqueue(new mockwebserver3.MockResponse.Builder().code(401)
                    .setHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"").build());
            refusing.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
            List<String> seen = new ArrayList<>();
            org.apache.http.client.protocol.HttpClientContext context = org.apache.http.client.protocol.HttpClientContext.create();
            try (org.apache.http.impl.client.CloseableHttpClient client = org.apache.http.impl.client.HttpClients.custom()
                    .addInterceptorLast((org.apache.http.HttpResponseInterceptor) (response, exchange) -> {
                        for (org.apache.http.Header header : org.apache.http.protocol.HttpCoreContext.adapt(exchange).getRequest().getAllHeaders()) {
                            seen.add("response interceptor " + header);
                        }
                    }).build()) {
                int status = CurrentToken.with(alice, () -> {
                    try (org.apache.http.client.methods.CloseableHttpResponse response = client.execute(
                            new org.apache.http.client.methods.HttpGet("http://localhost:" + refusing.getPort() + "/orders"), context)) {
                        return response.getStatusLine().getStatusCode();
                    }
                });
                assertEquals(401, status);
                for (org.apache.http.Header header : context.getRequest().getAllHeaders()) {
                    seen.add("context " + header);
                }
                org.apache.http.client.methods.HttpGet replay = new org.apache.http.client.methods.HttpGet(other.notAllowedUrl("/orders"));
                for (org.apache.http.Header header : context.getRequest().getAllHeaders()) {
                    if (!header.getName().equalsIgnoreCase("Host")) {
                        replay.addHeader(header);
                    }
                }
                CurrentToken.with(alice, () -> {
                    try (org.apache.http.client.methods.CloseableHttpResponse response = client.execute(replay)) {
                        return response.getStatusLine().getStatusCode();
                    }
                });
            }
            assertEquals(List.of("Bearer " + alice), refusing.takeRequest(10, java.util.concurrent.TimeUnit.SECONDS).getHeaders().values("Authorization"));
            assertEquals(List.of(), other.takeAuthorization(), "the replay took the token to a host not allowed");
            assertEquals(List.of(), seen.stream().filter(line -> line.contains(alice)).map(line -> line.replace(alice, "<alice>")).toList());
        }
    }

    @Test
    void apache5ContextShowsNoTokenAfterTheSend() throws Exception {
        String alice = Tokens.valid("alice");
        try (Downstream allowed = new Downstream(); Downstream other = new Downstream()) {
            List<String> seen = new ArrayList<>();
            org.apache.hc.client5.http.protocol.HttpClientContext context = org.apache.hc.client5.http.protocol.HttpClientContext.create();
            try (org.apache.hc.client5.http.impl.classic.CloseableHttpClient client = org.apache.hc.client5.http.impl.classic.HttpClients.custom()
                    .addResponseInterceptorLast((response, entity, exchange) -> {
                        for (org.apache.hc.core5.http.Header header
                                : org.apache.hc.client5.http.protocol.HttpClientContext.castOrCreate(exchange).getRequest().getHeaders()) {
                            seen.add("response interceptor " + header);
                        }
                    }).build()) {
                CurrentToken.with(alice, () -> client.execute(
                        new org.apache.hc.client5.http.classic.methods.HttpGet(allowed.allowedUrl("/orders")), context, response -> response.getCode()));
                for (org.apache.hc.core5.http.Header header : context.getRequest().getHeaders()) {
                    seen.add("context " + header);
                }
                org.apache.hc.client5.http.classic.methods.HttpGet replay = new org.apache.hc.client5.http.classic.methods.HttpGet(other.notAllowedUrl("/orders"));
                for (org.apache.hc.core5.http.Header header : context.getRequest().getHeaders()) {
                    if (!header.getName().equalsIgnoreCase("Host")) {
                        replay.addHeader(header);
                    }
                }
                CurrentToken.with(alice, () -> client.execute(replay, response -> response.getCode()));
            }
            assertEquals(List.of("Bearer " + alice), allowed.takeAuthorization());
            assertEquals(List.of(), other.takeAuthorization(), "the replay took the token to a host not allowed");
            assertEquals(List.of(), seen.stream().filter(line -> line.contains(alice)).map(line -> line.replace(alice, "<alice>")).toList());
        }
    }
}
