package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Around;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;
import net.bytebuddy.asm.Advice;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.message.BasicHeader;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Apache HttpAsyncClient 4.1. The default and the minimal exchange handler install the client's
 * per-hop copy of the request with {@code setCurrentRequest} and the hop's route with
 * {@code setRoute}; for the first hop both happen on the calling thread, inside {@code execute},
 * where the token is current (the pipelining handler installs its requests on an I/O thread, so
 * they never carry it). The route names where the request goes (the target the application gave
 * beside the request, or the host of its URI), so the request is decided for the route's target.
 *
 * <p>The default handler then runs the client's interceptors, which add its default headers
 * whatever the request already has, and on an I/O thread {@code MainClientExec.generateRequest}
 * adds its preemptive credentials when the request has no {@code Authorization} yet, and hands the
 * request over to be sent. So the calling thread only captures the token and the route's target
 * with that request ({@code setCurrentRequest}, the route being there already), and the request
 * is decided when {@code generateRequest} returns it, with the client's own headers in place. The
 * minimal handler installs the request before its route and adds no credentials or default
 * headers: it is decided at once, when the route comes ({@code setRoute}). Redirects are installed
 * on I/O threads, where no token is current, and are built from the application's original
 * request, so they never carry the token.
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
                        ApacheHttpAsyncClient4Instrumentation.class, "CurrentRequestAdvice"))
                .transform(support.advice(MethodMatch.named("setRoute").arguments(1)
                                .argument(0, "org.apache.http.conn.routing.HttpRoute"),
                        ApacheHttpAsyncClient4Instrumentation.class, "RouteAdvice"))
                .type(TypeMatch.named("org.apache.http.impl.nio.client.MainClientExec").inLoadersWithAnyOf("org.apache.http.impl.nio.client.AbstractClientExchangeHandler"))
                .transform(support.advice(MethodMatch.named("generateRequest").arguments(2),
                        ApacheHttpAsyncClient4Instrumentation.class, "GenerateRequestAdvice"))
                // The connection pool completes and fails waiting leases (their callbacks) on whichever
                // thread leases or releases a connection, another caller's: with no token.
                .type(TypeMatch.named("org.apache.http.nio.pool.AbstractNIOConnPool").inLoadersWithAnyOf("org.apache.http.nio.pool.AbstractNIOConnPool"))
                .transform(Around.hidingToken(MethodMatch.named("fireCallbacks").arguments(0)))
                // A request's head is written: the agent's header goes off the request object (in httpcore-nio's loader).
                .type(TypeMatch.named(CONNECTION).inLoadersWithAnyOf(CONNECTION))
                .transform(support.advice(MethodMatch.named("submitRequest").arguments(1).argument(0, "org.apache.http.HttpRequest"),
                        ApacheHttpAsyncClient4Instrumentation.class, "SubmittedAdvice"));
    }

    /** httpcore-nio's client connection, which writes each request's head in {@code submitRequest}. */
    static final String CONNECTION = "org.apache.http.impl.nio.DefaultNHttpClientConnection";

    /**
     * The request installed after its route (the default handler): the token and the route's
     * target are captured with it, for {@link GenerateRequestAdvice}.
     */
    public static final class CurrentRequestAdvice {
        private CurrentRequestAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object currentRequest,
                                 @Advice.FieldValue("routeRef") AtomicReference<?> routeRef) {
            HttpRequestWrapper request = (HttpRequestWrapper) currentRequest;
            HttpRoute route = (HttpRoute) routeRef.get();
            if (request == null || route == null || TokenCarrier.current() == null || "CONNECT".equalsIgnoreCase(request.getMethod())) {
                // With no route yet (the minimal handler), RouteAdvice decides when it comes.
                return;
            }
            AgentBridge.captureTokenFor(request, route.getTargetHost());
        }
    }

    /**
     * The request the default handler hands over to be sent, its default headers and credentials
     * in place: decided with the token and target captured with it, once (a tunnel's CONNECT, an
     * authentication retry of the same request, or a redirect's request has none).
     */
    public static final class GenerateRequestAdvice {
        private GenerateRequestAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return Object generated) {
            if (!(generated instanceof HttpRequestWrapper)) {
                return;
            }
            Object[] captured = AgentBridge.takeCapturedTokenAndTarget(generated);
            if (captured == null || !(captured[0] instanceof CarriedToken) || !(captured[1] instanceof HttpHost)) {
                return;
            }
            HttpRequestWrapper request = (HttpRequestWrapper) generated;
            HttpHost target = (HttpHost) captured[1];
            String name = AgentBridge.outboundHeader();
            // Through a proxy the request line's absolute URI, not the route's target, says where it is forwarded.
            if (!request.containsHeader(name)
                    && !AgentBridge.outboundRequestLineAllowed((CarriedToken) captured[0], request.getRequestLine().getUri())) {
                return;
            }
            String value = AgentBridge.outboundValueFor((CarriedToken) captured[0], target.getSchemeName(), target.getHostName(),
                    target.getPort(), request.containsHeader(name));
            if (value != null) {
                Header added = new BasicHeader(name, value);
                request.addHeader(added);
                AgentBridge.rememberAddedHeader(request, added);
            }
        }
    }

    /**
     * The first route of an exchange whose request is already installed (the minimal handler):
     * the request is decided for the route's target, which is where it goes, also when its URI
     * names another host. A later route (a redirect's) is set on an I/O thread and decides nothing.
     */
    public static final class RouteAdvice {
        private RouteAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object newRoute,
                                 @Advice.FieldValue("routeRef") AtomicReference<?> routeRef,
                                 @Advice.FieldValue("requestRef") AtomicReference<?> requestRef) {
            HttpRoute route = (HttpRoute) newRoute;
            HttpRequestWrapper request = (HttpRequestWrapper) requestRef.get();
            if (route == null || request == null || routeRef.get() != null || TokenCarrier.current() == null
                    || "CONNECT".equalsIgnoreCase(request.getMethod())) {
                return;
            }
            HttpHost target = route.getTargetHost();
            String name = AgentBridge.outboundHeader();
            String value = AgentBridge.outboundValue(target.getSchemeName(), target.getHostName(), target.getPort(), request.containsHeader(name));
            if (value != null) {
                Header added = new BasicHeader(name, value);
                request.addHeader(added);
                AgentBridge.rememberAddedHeader(request, added);
            }
        }
    }

    /**
     * A request's head has been written by its connection ({@code submitRequest}), or writing it
     * failed: the agent's header goes off the request. It is the one the exchange's context holds
     * ({@code HttpClientContext.getRequest()}), which response interceptors and the application read
     * after the call, and may copy onto a request to another host.
     */
    public static final class SubmittedAdvice {
        private SubmittedAdvice() {
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) Object submitted) {
            // Only httpcore's types here: this class's loader may be a parent of the client's.
            // Most requests carry no header of that name: nothing is looked up for them.
            if (!(submitted instanceof HttpRequest) || !((HttpRequest) submitted).containsHeader(AgentBridge.outboundHeader())) {
                return;
            }
            Object added = AgentBridge.takeAddedHeader(submitted);
            if (added instanceof Header) {
                ((HttpRequest) submitted).removeHeader((Header) added);
            }
        }
    }
}
