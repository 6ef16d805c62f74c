package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.ClassicCallSchemes;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Around;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;
import net.bytebuddy.asm.Advice;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.protocol.HttpContext;

/**
 * Apache HttpClient 5.1 to 5.6, classic and async. {@code ProtocolExec} and
 * {@code AsyncProtocolExec} run once per hop with that hop's route and the client's own copy of the
 * request (never the application's object). Redirects are built from the application's original
 * request, so they never inherit the token; a classic redirect is decided for its own host on the
 * calling thread, an async one runs on an I/O thread where no token is current.
 *
 * <p>Classic: {@code ProtocolExec} only notes the hop's target in the exchange's context, and the
 * header is decided just before the request is sent ({@code InternalExecRuntime.execute}), after
 * the client's request interceptors (its default headers among them) and its preemptive
 * credentials: so an {@code Authorization} the client adds itself counts as already set, where
 * deciding in {@code ProtocolExec} made the client skip its own for the token. (5.6 runs the
 * interceptors in {@code MainClientExec}, 5.1 in {@code ProtocolExec}: the send is after both.)
 * A proxy's {@code CONNECT} never gets the header.
 *
 * <p>Async: decided after the client's interceptors and preemptive credentials, likewise. 5.1 adds
 * both on the calling thread before {@code AsyncProtocolExec} hands the request to the connect
 * step, and is decided at that hand-over; the request may then wait for a pooled connection, so it
 * is counted, and its header taken off if the token has expired meanwhile, as its connection's
 * processor readies it to be written. 5.2 and later run the interceptors on an I/O thread when the
 * request is produced: at the hand-over the calling thread captures the token and target with the
 * request, and the request is decided when the interceptors have run, only ever with that capture
 * (the main step in between may run on another caller's thread). A retry the client schedules
 * runs with no token, so it is sent without one.
 */
public final class ApacheHttpClient5Instrumentation implements AgentInstrumentation {
    @Override
    public String name() {
        return "apache-httpclient-5";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        return rules
                .type(TypeMatch.named("org.apache.hc.client5.http.impl.classic.ProtocolExec").inLoadersWithAnyOf("org.apache.hc.client5.http.classic.ExecChain"))
                .transform(support.advice(MethodMatch.named("execute").arguments(3)
                                .argument(1, "org.apache.hc.client5.http.classic.ExecChain$Scope"),
                        ApacheHttpClient5Instrumentation.class, "ClassicHopAdvice"))
                // The call as the application made it, before its redirects: an https call's token goes over plain http to loopback only.
                .type(TypeMatch.named("org.apache.hc.client5.http.impl.classic.RedirectExec").inLoadersWithAnyOf("org.apache.hc.client5.http.classic.ExecChain"))
                .transform(support.advice(MethodMatch.named("execute").arguments(3)
                                .argument(1, "org.apache.hc.client5.http.classic.ExecChain$Scope"),
                        ApacheHttpClient5Instrumentation.class, "ClassicCallAdvice"))
                .type(TypeMatch.named("org.apache.hc.client5.http.impl.classic.InternalExecRuntime").inLoadersWithAnyOf("org.apache.hc.client5.http.classic.ExecChain"))
                .transform(support.advice(MethodMatch.named("execute").argument(1, "org.apache.hc.core5.http.ClassicHttpRequest"),
                        ApacheHttpClient5Instrumentation.class, "ClassicSendAdvice"))
                .type(TypeMatch.named("org.apache.hc.client5.http.impl.async.AsyncConnectExec").inLoadersWithAnyOf("org.apache.hc.client5.http.async.AsyncExecChain"))
                .transform(support.advice(asyncExecute(), ApacheHttpClient5Instrumentation.class, "AsyncHandOverAdvice"))
                // A retry is scheduled on whatever thread delivered the failure, which may be another
                // caller's: it runs with no token, so its hand-over captures none.
                .type(TypeMatch.named("org.apache.hc.client5.http.impl.async.InternalAbstractHttpAsyncClient")
                        .inLoadersWithAnyOf("org.apache.hc.client5.http.async.AsyncExecChain"))
                .transform(Around.hidingToken(MethodMatch.named("executeScheduled")))
                // The connection pools (strict: the default; lax) complete and fail waiting leases
                // (their callbacks, and the exchanges they continue) on whichever thread leases or
                // releases a connection (the lax pool also fails them all where it is closed),
                // another caller's: with no token. A request's header is decided from its own capture.
                .type(TypeMatch.named("org.apache.hc.core5.pool.StrictConnPool").inLoadersWithAnyOf("org.apache.hc.core5.pool.StrictConnPool"))
                .transform(Around.hidingToken(MethodMatch.named("fireCallbacks").arguments(0)))
                .type(TypeMatch.named("org.apache.hc.core5.pool.LaxConnPool$PerRoutePool").inLoadersWithAnyOf("org.apache.hc.core5.pool.LaxConnPool"))
                .transform(Around.hidingToken(MethodMatch.named("servicePendingRequests", "validatePendingRequests", "shutdown")))
                // Matched wherever httpcore5 is, which may be a parent of the client's class loader.
                .type(TypeMatch.named("org.apache.hc.core5.http.protocol.DefaultHttpProcessor")
                        .inLoadersWithAnyOf("org.apache.hc.core5.http.protocol.DefaultHttpProcessor"))
                .transform(support.advice(MethodMatch.named("process").arguments(3).argument(0, "org.apache.hc.core5.http.HttpRequest"),
                        ApacheHttpClient5Instrumentation.class, "AsyncInterceptorsDoneAdvice"))
                // An async request's head is written (HTTP/1.1, HTTP/2): the agent's header goes off the request object.
                .type(TypeMatch.named(HTTP1_STREAM_HANDLER).inLoadersWithAnyOf(HTTP1_STREAM_HANDLER))
                .transform(support.advice(committed(), ApacheHttpClient5Instrumentation.class, "AsyncCommittedAdvice"))
                .type(TypeMatch.named(H2_STREAM_HANDLER).inLoadersWithAnyOf(H2_STREAM_HANDLER))
                .transform(support.advice(committed(), ApacheHttpClient5Instrumentation.class, "AsyncCommittedAdvice"));
    }

    static final String HTTP1_STREAM_HANDLER = "org.apache.hc.core5.http.impl.nio.ClientHttp1StreamHandler";
    static final String H2_STREAM_HANDLER = "org.apache.hc.core5.http2.impl.nio.ClientH2StreamHandler";

    /** {@code commitRequest(request, entityDetails)} of a client stream handler: the request's head is written there. */
    private static MethodMatch committed() {
        return MethodMatch.named("commitRequest").arguments(2).argument(0, "org.apache.hc.core5.http.HttpRequest");
    }

    /** {@code execute(request, entityProducer, scope, chain, callback)} of an async exec step. */
    private static MethodMatch asyncExecute() {
        return MethodMatch.named("execute").arguments(5).argument(2, "org.apache.hc.client5.http.async.AsyncExecChain$Scope");
    }

    /** The context attribute that carries a classic hop's target from {@code ProtocolExec} to the send. */
    static final String HOP_TARGET = "dev.jwtagent.hop-target";

    /**
     * A classic call, before the client follows its redirects: the scheme it was made with is noted
     * for the thread that runs it and its context, for the sends of its hops; never in the context,
     * which the application may share between threads.
     */
    public static final class ClassicCallAdvice {
        private ClassicCallAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter(@Advice.Argument(1) Object callScope) {
            if (TokenCarrier.current() == null) {
                return null;
            }
            ExecChain.Scope scope = (ExecChain.Scope) callScope;
            HttpHost callTarget = scope.route.getTargetHost();
            return ClassicCallSchemes.began(scope.clientContext, callTarget.getSchemeName(), callTarget.getHostName(), callTarget.getPort());
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Object previous) {
            if (previous != null) {
                ClassicCallSchemes.ended(previous);
            }
        }
    }

    public static final class ClassicHopAdvice {
        private ClassicHopAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter(@Advice.Argument(1) Object hopScope) {
            if (TokenCarrier.current() == null) {
                return null;
            }
            ExecChain.Scope scope = (ExecChain.Scope) hopScope;
            // Noted for every hop with the thread that runs it (a classic exchange runs on one) and the
            // exchange's id, which the send is given: only that exchange's send on that thread takes it, so
            // a context shared by requests running at once, a nested call on the same context, or a send
            // that no ProtocolExec noted (MinimalHttpClient) never uses another request's target.
            Object[] note = {Thread.currentThread(), scope.exchangeId, scope.route.getTargetHost()};
            scope.clientContext.setAttribute(HOP_TARGET, note);
            return note;
        }

        /** A hop that never reached its send (its connection failed, say) leaves no note in the application's context. */
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Object note, @Advice.Argument(1) Object hopScope) {
            if (note != null && ((ExecChain.Scope) hopScope).clientContext.getAttribute(HOP_TARGET) == note) {
                ((ExecChain.Scope) hopScope).clientContext.removeAttribute(HOP_TARGET);
            }
        }
    }

    public static final class ClassicSendAdvice {
        private ClassicSendAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter(@Advice.Argument(0) String exchangeId, @Advice.Argument(1) Object sentRequest,
                                 @Advice.AllArguments Object[] arguments) {
            if (TokenCarrier.current() == null) {
                return null;
            }
            HttpRequest request = (HttpRequest) sentRequest;
            if ("CONNECT".equalsIgnoreCase(request.getMethod())) {
                return null;
            }
            HttpContext context = null;
            for (Object argument : arguments) {
                if (argument instanceof HttpContext) {
                    context = (HttpContext) argument;
                }
            }
            Object noted = context == null ? null : context.getAttribute(HOP_TARGET);
            if (!(noted instanceof Object[]) || ((Object[]) noted).length != 3 || ((Object[]) noted)[0] != Thread.currentThread()
                    || exchangeId == null || !exchangeId.equals(((Object[]) noted)[1]) || !(((Object[]) noted)[2] instanceof HttpHost)) {
                return null;
            }
            // Taken once: a later send of the same hop (an authentication retry) goes as ProtocolExec rebuilt it.
            context.removeAttribute(HOP_TARGET);
            HttpHost target = (HttpHost) ((Object[]) noted)[2];
            String name = AgentBridge.outboundHeader();
            if (ClassicCallSchemes.redirectedByAHostNotAllowed(context, target.getHostName(), target.getPort())) {
                // A redirect chosen by the host the call was made to, which may not see the token.
                return null;
            }
            String callScheme = ClassicCallSchemes.schemeOf(context);
            if (callScheme != null && !request.containsHeader(name)
                    && !AgentBridge.outboundSchemeAllowed(TokenCarrier.current(), callScheme, target.getSchemeName(), target.getHostName())) {
                // A redirect of a call made over https, to plain http on a host that is not loopback.
                return null;
            }
            // Through a proxy the request line's absolute URI, not the route's target, says where it is forwarded.
            if (!request.containsHeader(name) && !AgentBridge.outboundRequestLineAllowed(TokenCarrier.current(), request.getRequestUri())) {
                return null;
            }
            String value = AgentBridge.outboundValue(target.getSchemeName(), target.getHostName(), target.getPort(),
                    request.containsHeader(name));
            if (value == null) {
                return null;
            }
            Header added = new BasicHeader(name, value);
            request.addHeader(added);
            return added;
        }

        /**
         * Sent (or failed): the agent's header goes off the request. It is the one the context holds
         * ({@code HttpClientContext.getRequest()}), which response interceptors and the application
         * read after the call, and may copy onto a request to another host.
         */
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Object added, @Advice.Argument(1) Object sentRequest) {
            if (added instanceof Header) {
                ((HttpRequest) sentRequest).removeHeader((Header) added);
            }
        }
    }

    /**
     * An async request handed on by {@code AsyncProtocolExec} to the connect step (both the
     * HTTP/1.1 and the HTTP/2 client have one), its preemptive credentials in place. In 5.1 its
     * request interceptors have run too: it is decided now, and counted as it is written
     * ({@link #ASYNC_ADDED}). From 5.2 the main step runs them later,
     * on an I/O thread: the token and the hop's target are captured with the request (keyed by the
     * request object, weakly), and {@link AsyncInterceptorsDoneAdvice} decides. This runs on the thread
     * that called the client; for a later hop (a redirect, an authentication retry) on an I/O
     * thread, and for a retry as the client scheduled it, with no token: there nothing is added or
     * captured. The main step, which may run on any thread, even another caller's (a pooled
     * connection handed over when that thread leases one), is never asked.
     */
    public static final class AsyncHandOverAdvice {
        private AsyncHandOverAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object connectStep, @Advice.Argument(0) Object hopRequest, @Advice.Argument(2) Object hopScope) {
            CarriedToken token = TokenCarrier.current();
            HttpRequest request = (HttpRequest) hopRequest;
            if (token == null || request == null || "CONNECT".equalsIgnoreCase(request.getMethod())) {
                return;
            }
            AsyncExecChain.Scope scope = (AsyncExecChain.Scope) hopScope;
            HttpHost target = scope.route.getTargetHost();
            // Through a proxy the request line's absolute URI, not the route's target, says where it is forwarded.
            if (!request.containsHeader(AgentBridge.outboundHeader()) && !AgentBridge.outboundRequestLineAllowed(token, request.getRequestUri())) {
                return;
            }
            if (ApacheAsync5Steps.interceptorsRunAtSend(connectStep.getClass())) {
                // Kept with the request itself, not in the context: an application may share one context
                // between calls made at once, and a later call's capture replaced an earlier one's.
                // The target's values, not the client's HttpHost: a capture whose request is dropped unsent stays
                // until the next capture in the JVM, and would keep a web application's loader that long.
                AgentBridge.captureTokenFor(request, new Object[] {target.getSchemeName(), target.getHostName(), target.getPort()});
                return;
            }
            String name = AgentBridge.outboundHeader();
            // Counted as it is sent (AsyncInterceptorsDoneAdvice): the request may first wait for a pooled connection.
            String value = AgentBridge.outboundValueCountedWhenSent(target.getSchemeName(), target.getHostName(), target.getPort(),
                    request.containsHeader(name));
            if (value != null) {
                Header added = new BasicHeader(name, value);
                request.addHeader(added);
                AgentBridge.rememberAddedHeader(request, added);
                scope.clientContext.setAttribute(ASYNC_ADDED, new Object[] {request, token});
            }
        }
    }

    /**
     * The context attribute that marks a 5.1 async request the agent added its value to at the
     * hand-over: the request (only that object takes it) and the token. Its connection's processor,
     * just before the request is written, counts it and takes the value off once the token has expired.
     */
    static final String ASYNC_ADDED = "dev.jwtagent.async-added";

    /**
     * A 5.1 request the agent added its value to ({@link #ASYNC_ADDED}), readied by its connection
     * to be written: counted, and the value taken off if its token has expired meanwhile.
     * The client's request interceptors have run on a request about to be sent (5.2 and later, on an I/O
     * thread): a request captured at its hand-over is decided now, once, with its default headers
     * and credentials in place, with the captured token (the I/O thread has none of its own, and
     * no other thread's is ever used). Any other use of the processor (a server's, a tunnel's
     * {@code CONNECT}, the classic client's) finds no capture of its request and adds nothing.
     */
    public static final class AsyncInterceptorsDoneAdvice {
        private AsyncInterceptorsDoneAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) Object sent, @Advice.Argument(2) Object context) {
            // Only httpcore5's types here: this class's loader may be a parent of the client's.
            if (!(context instanceof HttpContext) || !(sent instanceof HttpRequest)) {
                return;
            }
            HttpContext exchange = (HttpContext) context;
            Object added = exchange.getAttribute(ASYNC_ADDED);
            if (added instanceof Object[] && ((Object[]) added).length == 2 && ((Object[]) added)[0] == sent
                    && ((Object[]) added)[1] instanceof CarriedToken) {
                // 5.1: the connection's processor, just before the request is written, after it may have
                // waited for a pooled connection; the client's own interceptors ran before the hand-over.
                exchange.removeAttribute(ASYNC_ADDED);
                CarriedToken token = (CarriedToken) ((Object[]) added)[1];
                HttpRequest request = (HttpRequest) sent;
                String name = AgentBridge.outboundHeader();
                Header ours = null;
                for (Header value : request.getHeaders(name)) {
                    if (ours == null && AgentBridge.isOutboundValueOf(value.getValue(), token)) {
                        ours = value;
                    }
                }
                // Only the agent's value goes off: one an exec step added after the hand-over stays.
                if (ours != null && AgentBridge.outboundExpiredBeforeSent(token.expiresAtMillis())) {
                    request.removeHeader(ours);
                } else {
                    AgentBridge.outboundCountWhenSent(ours != null);
                }
                return;
            }
            // Any other request processed (a server's, a tunnel's CONNECT, the classic client's) looks nothing up
            // while no capture waits anywhere.
            if (!AgentBridge.mayHoldCapturesFor()) {
                return;
            }
            Object[] noted = AgentBridge.takeCapturedTokenAndTarget(sent);
            if (noted == null || !(noted[0] instanceof CarriedToken) || !(noted[1] instanceof Object[])) {
                return;
            }
            HttpRequest request = (HttpRequest) sent;
            Object[] target = (Object[]) noted[1];
            String name = AgentBridge.outboundHeader();
            String value = AgentBridge.outboundValueFor((CarriedToken) noted[0], (String) target[0], (String) target[1],
                    (Integer) target[2], request.containsHeader(name));
            if (value != null) {
                Header header = new BasicHeader(name, value);
                request.addHeader(header);
                AgentBridge.rememberAddedHeader(request, header);
            }
        }
    }

    /**
     * An async request's head has been written by its connection ({@code commitRequest} of the
     * HTTP/1.1 and the HTTP/2 client stream handler, after the connection's own processor), or its
     * writing failed: the agent's header goes off the request. It is the one the exchange's context
     * holds ({@code HttpClientContext.getRequest()}), which response interceptors and the application
     * read after the call, and may copy onto a request to another host.
     */
    public static final class AsyncCommittedAdvice {
        private AsyncCommittedAdvice() {
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) Object committed) {
            // Only httpcore5's types here: this class's loader may be a parent of the client's.
            // Most requests carry no header of that name: nothing is looked up for them.
            if (!(committed instanceof HttpRequest) || !((HttpRequest) committed).containsHeader(AgentBridge.outboundHeader())) {
                return;
            }
            Object added = AgentBridge.takeAddedHeader(committed);
            if (added instanceof Header) {
                ((HttpRequest) committed).removeHeader((Header) added);
            }
        }
    }
}
