package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the async Apache clients (4.1 and 5) show the application of the request they sent: the
 * request in the exchange's context ({@code HttpClientContext.getRequest()}), which a response
 * interceptor reads (to log the exchange, say) and the application can read after the call, or copy
 * onto a request to another host (replaying it). As with the classic clients
 * ({@link ApacheClassicSentRequestTest}), the agent's header must not be there once the request is
 * sent: otherwise it is printed, or goes to a host not allowed as a header the application set.
 */
class ApacheAsyncSentRequestTest {
    @Test
    void async4ContextShowsNoTokenAfterTheSend() throws Exception {
        String alice = Tokens.valid("alice");
        try (Downstream allowed = new Downstream(); Downstream other = new Downstream()) {
            List<String> seen = new ArrayList<>();
            org.apache.http.client.protocol.HttpClientContext context = org.apache.http.client.protocol.HttpClientContext.create();
            try (org.apache.http.impl.nio.client.CloseableHttpAsyncClient client = org.apache.http.impl.nio.client.HttpAsyncClients.custom()
                    .addInterceptorLast((org.apache.http.HttpResponseInterceptor) (response, exchange) -> {
                        for (org.apache.http.Header header : org.apache.http.protocol.HttpCoreContext.adapt(exchange).getRequest().getAllHeaders()) {
                            seen.add("response interceptor " + header);
                        }
                    }).build()) {
                client.start();
                CurrentToken.with(alice, () -> client.execute(new org.apache.http.client.methods.HttpGet(allowed.allowedUrl("/orders")), context, null)
                        .get(10, TimeUnit.SECONDS).getStatusLine().getStatusCode());
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
                CurrentToken.with(alice, () -> client.execute(replay, null).get(10, TimeUnit.SECONDS).getStatusLine().getStatusCode());
            }
            assertEquals(List.of("Bearer " + alice), allowed.takeAuthorization());
            assertEquals(List.of(), other.takeAuthorization(), "the replay took the token to a host not allowed");
            assertEquals(List.of(), seen.stream().filter(line -> line.contains(alice)).map(line -> line.replace(alice, "<alice>")).toList());
        }
    }

    @Test
    void async5ContextShowsNoTokenAfterTheSend() throws Exception {
        try (Downstream allowed = new Downstream(); Downstream other = new Downstream()) {
            List<String> seen = new ArrayList<>();
            async5(org.apache.hc.client5.http.impl.async.HttpAsyncClients.custom()
                    .addResponseInterceptorLast((response, entity, exchange) -> {
                        for (org.apache.hc.core5.http.Header header
                                : org.apache.hc.client5.http.protocol.HttpClientContext.castOrCreate(exchange).getRequest().getHeaders()) {
                            seen.add("response interceptor " + header);
                        }
                    }).build(), allowed, other, seen);
        }
    }

    /** The HTTP/2 client (clear text, prior knowledge), whose stream handler writes the request's head. */
    @Test
    void async5Http2ContextShowsNoTokenAfterTheSend() throws Exception {
        try (Downstream allowed = Downstream.http2Only(); Downstream other = Downstream.http2Only()) {
            List<String> seen = new ArrayList<>();
            async5(org.apache.hc.client5.http.impl.async.HttpAsyncClients.customHttp2()
                    .addResponseInterceptorLast((response, entity, exchange) -> {
                        for (org.apache.hc.core5.http.Header header
                                : org.apache.hc.client5.http.protocol.HttpClientContext.castOrCreate(exchange).getRequest().getHeaders()) {
                            seen.add("response interceptor " + header);
                        }
                    }).build(), allowed, other, seen);
        }
    }

    private static void async5(org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient built, Downstream allowed, Downstream other,
                               List<String> seen) throws Exception {
        String alice = Tokens.valid("alice");
        {
            org.apache.hc.client5.http.protocol.HttpClientContext context = org.apache.hc.client5.http.protocol.HttpClientContext.create();
            try (org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient client = built) {
                client.start();
                CurrentToken.with(alice, () -> client.execute(
                        org.apache.hc.client5.http.async.methods.SimpleRequestBuilder.get(allowed.allowedUrl("/orders")).build(), context, null)
                        .get(10, TimeUnit.SECONDS).getCode());
                for (org.apache.hc.core5.http.Header header : context.getRequest().getHeaders()) {
                    seen.add("context " + header);
                }
                org.apache.hc.client5.http.async.methods.SimpleHttpRequest replay =
                        org.apache.hc.client5.http.async.methods.SimpleRequestBuilder.get(other.notAllowedUrl("/orders")).build();
                for (org.apache.hc.core5.http.Header header : context.getRequest().getHeaders()) {
                    if (!header.getName().equalsIgnoreCase("Host")) {
                        replay.addHeader(header);
                    }
                }
                CurrentToken.with(alice, () -> client.execute(replay, null).get(10, TimeUnit.SECONDS).getCode());
            }
            assertEquals(List.of("Bearer " + alice), allowed.takeAuthorization());
            assertEquals(List.of(), other.takeAuthorization(), "the replay took the token to a host not allowed");
            assertEquals(List.of(), seen.stream().filter(line -> line.contains(alice)).map(line -> line.replace(alice, "<alice>")).toList());
        }
    }
}
