package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;
import net.bytebuddy.asm.Advice;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.conn.routing.HttpRoute;

import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Apache HttpAsyncClient 4.1. Every exchange handler (default, minimal, pipelining) installs the
 * client's per-hop copy of the request with {@code setCurrentRequest}; for the first hop that
 * happens on the calling thread, inside {@code execute}, where the token is current. Redirects are
 * installed on I/O threads, where no token is current, and are built from the application's
 * original request, so they never carry the token.
 */
public final class ApacheHttpAsyncClient4Instrumentation implements AgentInstrumentation {
    @Override
    public String name() {
        return "apache-httpasyncclient-4";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        return rules
                .type(TypeMatch.named("org.apache.http.impl.nio.client.AbstractClientExchangeHandler").inLoadersWithAnyOf("org.apache.http.impl.nio.client.AbstractClientExchangeHandler"))
                .transform(support.advice(MethodMatch.named("setCurrentRequest").arguments(1)
                                .argument(0, "org.apache.http.client.methods.HttpRequestWrapper"),
                        ApacheHttpAsyncClient4Instrumentation.class, "CurrentRequestAdvice"));
    }

    public static final class CurrentRequestAdvice {
        private CurrentRequestAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object currentRequest,
                                 @Advice.FieldValue("routeRef") AtomicReference<?> routeRef) {
            HttpRequestWrapper request = (HttpRequestWrapper) currentRequest;
            if (request == null || TokenCarrier.current() == null || "CONNECT".equalsIgnoreCase(request.getMethod())) {
                return;
            }
            // The route names where the request goes, also when the application gave a target of its own
            // and an absolute URI naming another host. The minimal handler installs the request before
            // its route: then an absolute URI is all there is.
            HttpRoute route = (HttpRoute) routeRef.get();
            URI uri = request.getURI();
            String scheme;
            String host;
            int port;
            if (route != null) {
                scheme = route.getTargetHost().getSchemeName();
                host = route.getTargetHost().getHostName();
                port = route.getTargetHost().getPort();
            } else if (uri != null && uri.isAbsolute() && uri.getHost() != null) {
                scheme = uri.getScheme();
                host = uri.getHost();
                port = uri.getPort();
            } else {
                return;
            }
            String name = AgentBridge.outboundHeader();
            String value = AgentBridge.outboundValue(scheme, host, port, request.containsHeader(name));
            if (value != null) {
                request.addHeader(name, value);
            }
        }
    }
}
