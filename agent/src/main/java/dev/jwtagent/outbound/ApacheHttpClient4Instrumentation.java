package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;
import net.bytebuddy.asm.Advice;
import org.apache.http.HttpHost;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.conn.routing.HttpRoute;

/**
 * Apache HttpClient 4.3 to 4.5, classic API. {@code MainClientExec} (the default client's last step,
 * after {@code ProtocolExec} has added the client's default headers) and {@code MinimalClientExec}
 * (the minimal client) run once per hop on the calling thread, with the route of that hop and the
 * client's own per-hop copy of the request. The header goes on that copy: a redirect is built from
 * the application's original request, so it never inherits the token, and its own hop is decided
 * for its own host. Deciding after the default headers is what keeps an {@code Authorization} the
 * client sets on every request: {@code RequestDefaultHeaders} adds its headers whatever the request
 * already has, so deciding before it (in {@code ProtocolExec}) sent both.
 */
public final class ApacheHttpClient4Instrumentation implements AgentInstrumentation {
    @Override
    public String name() {
        return "apache-httpclient-4";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        return rules
                .type(TypeMatch.named("org.apache.http.impl.execchain.MainClientExec", "org.apache.http.impl.execchain.MinimalClientExec").inLoadersWithAnyOf("org.apache.http.impl.execchain.ClientExecChain"))
                .transform(support.advice(MethodMatch.named("execute").arguments(4)
                                .argument(0, "org.apache.http.conn.routing.HttpRoute")
                                .argument(1, "org.apache.http.client.methods.HttpRequestWrapper"),
                        ApacheHttpClient4Instrumentation.class, "HopAdvice"));
    }

    public static final class HopAdvice {
        private HopAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object hopRoute, @Advice.Argument(1) Object hopRequest) {
            if (TokenCarrier.current() == null) {
                return;
            }
            HttpRequestWrapper request = (HttpRequestWrapper) hopRequest;
            String name = AgentBridge.outboundHeader();
            HttpHost target = ((HttpRoute) hopRoute).getTargetHost();
            String value = AgentBridge.outboundValue(target.getSchemeName(), target.getHostName(), target.getPort(),
                    request.containsHeader(name));
            if (value != null) {
                request.addHeader(name, value);
            }
        }
    }
}
