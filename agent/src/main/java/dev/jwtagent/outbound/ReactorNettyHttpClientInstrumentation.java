package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Around;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;
import net.bytebuddy.asm.Advice;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClientRequest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Map;

/**
 * Reactor Netty's {@code HttpClient} (1.x), and through it Spring's {@code WebClient},
 * {@code ReactorClientHttpConnector} and {@code ReactorClientHttpRequestFactory}.
 *
 * <p>Reactor Netty sends from event-loop threads, where no token is current. Subscribing creates
 * one {@code HttpClientHandler} per exchange, on the subscribing thread: the token current there is
 * captured with it. When the handler configures the first hop's connection operations, the token
 * goes along; just before that hop's headers are written (after the application's own headers
 * were applied), the hop is decided for its host with that token, and the address its connection
 * goes to must be allowed too (unless it is a proxy's). Redirect hops and retried
 * connections of later hops get no token; the application's redirect hook, which Reactor Netty
 * hands the previous hop's headers, may copy it onto one: it is taken off again where a redirect
 * may not take it. A token captured when the application subscribes on
 * another thread is whatever is current there (usually none).
 *
 * <p>Its connection pools serve and fail every caller's waiting exchanges from whichever thread
 * works on them: {@code ReactorPoolInstrumentation} fails each with its own caller's token. The
 * connection provider's timer that disposes inactive pools ({@code
 * disposeInactivePoolsInBackground}, scheduled by {@code scheduleInactivePoolsDisposal}) is
 * scheduled with no token: the provider is usually made during its first caller's request, and the
 * timer, which runs for as long as the provider lives and tells the application's metrics registrar
 * of each pool it disposes, would otherwise keep that caller's token.
 */
public final class ReactorNettyHttpClientInstrumentation implements AgentInstrumentation {
    private static final String HANDLER = "reactor.netty.http.client.HttpClientConnect$HttpClientHandler";
    /** The connection provider that keeps a pool per remote address (its HTTP/2 one extends it). */
    private static final String PROVIDER = "reactor.netty.resources.PooledConnectionProvider";

    @Override
    public String name() {
        return "reactor-netty-http-client";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        return rules
                .type(TypeMatch.named(HANDLER).inLoadersWithAnyOf("reactor.netty.http.client.HttpClient"))
                .transform(support.advice(MethodMatch.constructors(), ReactorNettyHttpClientInstrumentation.class, "CaptureAdvice"))
                .transform(support.advice(MethodMatch.named("requestWithBody").arguments(1),
                        ReactorNettyHttpClientInstrumentation.class, "FirstHopAdvice"))
                .type(TypeMatch.named("reactor.netty.http.client.HttpClientOperations").inLoadersWithAnyOf("reactor.netty.http.client.HttpClient"))
                .transform(support.advice(MethodMatch.named("beforeMarkSentHeaders").arguments(0),
                        ReactorNettyHttpClientInstrumentation.class, "HeadersAdvice"))
                .type(TypeMatch.named(PROVIDER).inLoadersWithAnyOf(PROVIDER))
                .transform(Around.hidingToken(MethodMatch.named("scheduleInactivePoolsDisposal").arguments(0)));
    }

    public static final class CaptureAdvice {
        private CaptureAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object handler) {
            AgentBridge.captureToken(handler);
        }
    }

    public static final class FirstHopAdvice {
        private FirstHopAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object handler, @Advice.Argument(0) Object operations,
                                 @Advice.FieldValue("redirectedFrom") Object[] redirectedFrom) {
            if (redirectedFrom == null || redirectedFrom.length == 0) {
                AgentBridge.shareCapturedToken(handler, operations);
            } else {
                // No token for a redirect hop, but the application's redirect hook is handed the previous
                // hop's headers, the token among them, and may copy them onto this one.
                AgentBridge.shareCapturedTokenWithRedirect(handler, operations);
            }
        }
    }

    public static final class HeadersAdvice {
        private HeadersAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object operations,
                                @Advice.FieldValue("requestHeaders") Iterable<?> headers) {
            CarriedToken token = AgentBridge.takeCapturedToken(operations);
            CarriedToken copied = token == null ? AgentBridge.takeRedirectHopToken(operations) : null;
            if (token == null && copied == null) {
                return;
            }
            // The method, not the field: 1.3 (Spring Boot 4's) has no resourceUrl field, and a field
            // advice that names it fails to apply, leaving the client without the token. Read only for a
            // hop with a token: 1.3 builds it by asking the application's remote address supplier again.
            String resourceUrl = ((HttpClientRequest) operations).resourceUrl();
            if (token == null) {
                if (resourceUrl == null) {
                    return;
                }
                // A redirect hop the application's hook (followRedirect(boolean, BiConsumer)) copied the
                // previous hop's headers onto: the token goes on only where a redirect may take it.
                HttpHeaders hopHeaders = (HttpHeaders) headers;
                String copiedName = AgentBridge.outboundHeader();
                java.util.List<String> values = hopHeaders.getAll(copiedName);
                boolean ours = false;
                for (String value : values) {
                    ours |= AgentBridge.isOutboundValueOf(value, copied);
                }
                if (!ours) {
                    return;
                }
                URI hop = URI.create(resourceUrl);
                boolean mayGo = AgentBridge.outboundRedirectAllowed(copied, hop.getScheme(), hop.getHost(), hop.getPort());
                Channel hopChannel = ((Connection) operations).channel();
                Channel hopConnection = hopChannel.parent() != null ? hopChannel.parent() : hopChannel;
                SocketAddress hopRemote = hopConnection.pipeline().get(NettyPipeline.ProxyHandler) == null ? hopConnection.remoteAddress() : null;
                if (mayGo && hopRemote instanceof InetSocketAddress) {
                    mayGo = AgentBridge.outboundConnectionAllowed(copied, hop.getScheme(), hop.getHost(),
                            ((InetSocketAddress) hopRemote).getHostString(), ((InetSocketAddress) hopRemote).getPort());
                }
                if (!mayGo) {
                    // Only the agent's value goes: one of the application's own stays.
                    hopHeaders.remove(copiedName);
                    for (String value : values) {
                        if (!AgentBridge.isOutboundValueOf(value, copied)) {
                            hopHeaders.add(copiedName, value);
                        }
                    }
                }
                return;
            }
            if (resourceUrl == null) {
                return;
            }
            String name = AgentBridge.outboundHeader();
            boolean present = false;
            for (Object header : headers) {
                if (name.equalsIgnoreCase(String.valueOf(((Map.Entry<?, ?>) header).getKey()))) {
                    present = true;
                    break;
                }
            }
            URI uri = URI.create(resourceUrl);
            // The URL is built from the client's remote address supplier, asked again for the
            // connection: a supplier that answers differently each time (client-side balancing) can
            // connect the request elsewhere. So the address connected to must be allowed too, unless
            // the connection is a proxy's tunnel (an HTTP/2 stream's is its parent's). A request that
            // carries the header already is left to the decision below, which counts it so.
            Channel channel = ((Connection) operations).channel();
            Channel connection = channel.parent() != null ? channel.parent() : channel;
            SocketAddress remote = connection.pipeline().get(NettyPipeline.ProxyHandler) == null ? connection.remoteAddress() : null;
            if (!present && remote instanceof InetSocketAddress) {
                InetSocketAddress address = (InetSocketAddress) remote;
                if (!AgentBridge.outboundConnectionAllowed(token, uri.getScheme(), uri.getHost(), address.getHostString(), address.getPort())) {
                    return;
                }
            }
            String value = AgentBridge.outboundValueFor(token, uri.getScheme(), uri.getHost(), uri.getPort(), present);
            if (value != null) {
                ((HttpClientRequest) operations).header(name, value);
            }
        }
    }
}
