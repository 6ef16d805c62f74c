package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;
import net.bytebuddy.asm.Advice;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
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
                .type(TypeMatch.named("org.apache.hc.client5.http.impl.classic.InternalExecRuntime").inLoadersWithAnyOf("org.apache.hc.client5.http.classic.ExecChain"))
                .transform(support.advice(MethodMatch.named("execute").argument(1, "org.apache.hc.core5.http.ClassicHttpRequest"),
                        ApacheHttpClient5Instrumentation.class, "ClassicSendAdvice"))
                .type(TypeMatch.named("org.apache.hc.client5.http.impl.async.AsyncProtocolExec").inLoadersWithAnyOf("org.apache.hc.client5.http.async.AsyncExecChain"))
                .transform(support.advice(MethodMatch.named("execute").arguments(5)
                                .argument(2, "org.apache.hc.client5.http.async.AsyncExecChain$Scope"),
                        ApacheHttpClient5Instrumentation.class, "AsyncHopAdvice"));
    }

    /** The context attribute that carries a classic hop's target from {@code ProtocolExec} to the send. */
    static final String HOP_TARGET = "dev.jwtagent.hop-target";

    public static final class ClassicHopAdvice {
        private ClassicHopAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(1) Object hopScope) {
            ExecChain.Scope scope = (ExecChain.Scope) hopScope;
            // Noted for every hop with the thread that runs it (a classic exchange runs on one) and the
            // exchange's id, which the send is given: only that exchange's send on that thread takes it, so
            // a context shared by requests running at once, a nested call on the same context, or a send
            // that no ProtocolExec noted (MinimalHttpClient) never uses another request's target.
            scope.clientContext.setAttribute(HOP_TARGET, new Object[] {Thread.currentThread(), scope.exchangeId, scope.route.getTargetHost()});
        }
    }

    public static final class ClassicSendAdvice {
        private ClassicSendAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) String exchangeId, @Advice.Argument(1) Object sentRequest,
                                 @Advice.AllArguments Object[] arguments) {
            if (TokenCarrier.current() == null) {
                return;
            }
            HttpRequest request = (HttpRequest) sentRequest;
            if ("CONNECT".equalsIgnoreCase(request.getMethod())) {
                return;
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
                return;
            }
            // Taken once: a later send of the same hop (an authentication retry) goes as ProtocolExec rebuilt it.
            context.removeAttribute(HOP_TARGET);
            HttpHost target = (HttpHost) ((Object[]) noted)[2];
            String name = AgentBridge.outboundHeader();
            String value = AgentBridge.outboundValue(target.getSchemeName(), target.getHostName(), target.getPort(),
                    request.containsHeader(name));
            if (value != null) {
                request.addHeader(name, value);
            }
        }
    }

    public static final class AsyncHopAdvice {
        private AsyncHopAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object hopRequest, @Advice.Argument(2) Object hopScope) {
            if (TokenCarrier.current() == null) {
                return;
            }
            HttpRequest request = (HttpRequest) hopRequest;
            String name = AgentBridge.outboundHeader();
            HttpHost target = ((AsyncExecChain.Scope) hopScope).route.getTargetHost();
            String value = AgentBridge.outboundValue(target.getSchemeName(), target.getHostName(), target.getPort(),
                    request.containsHeader(name));
            if (value != null) {
                request.addHeader(name, value);
            }
        }
    }
}
