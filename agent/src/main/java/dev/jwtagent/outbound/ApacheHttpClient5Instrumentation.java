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

/**
 * Apache HttpClient 5.1 to 5.6, classic and async. {@code ProtocolExec} and
 * {@code AsyncProtocolExec} run once per hop with that hop's route and the client's own copy of the
 * request (never the application's object). Redirects are built from the application's original
 * request, so they never inherit the token; a classic redirect is decided for its own host on the
 * calling thread, an async one runs on an I/O thread where no token is current.
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
                .type(TypeMatch.named("org.apache.hc.client5.http.impl.async.AsyncProtocolExec").inLoadersWithAnyOf("org.apache.hc.client5.http.async.AsyncExecChain"))
                .transform(support.advice(MethodMatch.named("execute").arguments(5)
                                .argument(2, "org.apache.hc.client5.http.async.AsyncExecChain$Scope"),
                        ApacheHttpClient5Instrumentation.class, "AsyncHopAdvice"));
    }

    public static final class ClassicHopAdvice {
        private ClassicHopAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object hopRequest, @Advice.Argument(1) Object hopScope) {
            if (TokenCarrier.current() == null) {
                return;
            }
            HttpRequest request = (HttpRequest) hopRequest;
            String name = AgentBridge.outboundHeader();
            HttpHost target = ((ExecChain.Scope) hopScope).route.getTargetHost();
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
