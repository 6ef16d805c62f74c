package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Around;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;
import net.bytebuddy.asm.Advice;

import java.net.URI;
import java.net.http.HttpRequest;

/**
 * {@code java.net.http.HttpClient}, {@code send} and {@code sendAsync}. Both build the client's
 * internal per-hop request from the user's request on the calling thread, where the token is
 * current; the header is added to that hop only, as a system header. A redirect builds a new hop
 * without it, so a redirect never carries the token anywhere (on any JDK, whatever it does with
 * the user's own headers).
 *
 * <p>The client's failure paths that end every exchange at once run with no token: they run on
 * whichever thread met the failure, and call each exchange's {@code BodySubscriber.onError}, and
 * for HTTP/2 its {@code onNext} for frames still queued, right there. {@code shutdownNow()} (Java
 * 21+) called by one caller ran every other caller's {@code onError} with that caller's token;
 * an executor that refuses a task, and a failed write on a shared HTTP/2 connection, end the other
 * exchanges the same way.
 */
public final class JdkHttpClientInstrumentation implements AgentInstrumentation {
    static final String REQUEST_IMPL = "jdk.internal.net.http.HttpRequestImpl";

    @Override
    public String name() {
        return "java-http-client";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        return rules.type(TypeMatch.named(REQUEST_IMPL))
                .transform(support.advice(MethodMatch.constructors().arguments(2)
                                .argument(0, "java.net.http.HttpRequest").argument(1, "java.net.ProxySelector"),
                        JdkHttpClientInstrumentation.class, "FirstHopAdvice"))
                // AgentBridge.setJdkSystemHeader calls HttpRequestImpl.setSystemHeader.
                .exportingToBridge("java.net.http", "jdk.internal.net.http")
                // AgentBridge.jdkHopWritten reads the hop's HttpHeadersBuilder.
                .exportingToBridge("java.net.http", "jdk.internal.net.http.common")
                // Just before a hop's headers are written: HTTP/1.1 (an h2c upgrade included) and HTTP/2.
                // No export of their own: a hop with the token exists only once HttpRequestImpl was rewritten.
                .type(TypeMatch.named("jdk.internal.net.http.Http1Request"))
                .transform(support.advice(MethodMatch.named("headers").arguments(0), JdkHttpClientInstrumentation.class, "WriteAdvice"))
                .type(TypeMatch.named("jdk.internal.net.http.Stream"))
                .transform(support.advice(MethodMatch.named("headerFrame").arguments(1), JdkHttpClientInstrumentation.class, "WriteAdvice"))
                // Methods that do not exist in a JDK's version of the client are simply not matched.
                .type(TypeMatch.named("jdk.internal.net.http.HttpClientImpl"))
                .transform(Around.hidingToken(MethodMatch.named("shutdownNow", "abortPendingRequests", "onSubmitFailure")))
                .type(TypeMatch.named("jdk.internal.net.http.HttpClientImpl$SelectorManager"))
                .transform(Around.hidingToken(MethodMatch.named("abort")))
                .type(TypeMatch.named("jdk.internal.net.http.Http2Connection"))
                .transform(Around.hidingToken(MethodMatch.named("shutdown").onlyArgument(Throwable.class)))
                .type(TypeMatch.named("jdk.internal.net.http.SocketTube$InternalWriteSubscriber"))
                .transform(Around.hidingToken(MethodMatch.named("signalError")));
    }

    public static final class FirstHopAdvice {
        private FirstHopAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This HttpRequest hop, @Advice.FieldValue("systemHeadersBuilder") Object systemHeaders) {
            if (TokenCarrier.current() == null) {
                return;
            }
            String name = AgentBridge.outboundHeader();
            // The hop's own copy, not the application's request: a request of the application's own
            // class may answer uri() or headers() differently when asked again.
            URI uri = hop.uri();
            // Counted as the hop is written: the client may put credentials it kept in its place first.
            String value = AgentBridge.outboundValueCountedWhenSent(uri.getScheme(), uri.getHost(), uri.getPort(),
                    hop.headers().firstValue(name).isPresent());
            if (value != null) {
                AgentBridge.setJdkSystemHeader(hop, name, value);
                // The hop is written later, after the client's filters ran and its connection was made.
                AgentBridge.captureJdkHop(hop, systemHeaders, value);
            }
        }
    }

    /**
     * As a hop's headers are written ({@code Http1Request.headers()}, {@code Stream.headerFrame}):
     * the hop is counted, and a token that expired since the hop was made (the application's
     * cookie handler, a slow DNS lookup, connect or TLS handshake, a retry) is taken off.
     */
    public static final class WriteAdvice {
        private WriteAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.FieldValue("request") Object hop) {
            AgentBridge.jdkHopWritten(hop);
        }
    }
}
