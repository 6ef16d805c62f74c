package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
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
                .exportingToBridge("java.net.http", "jdk.internal.net.http");
    }

    public static final class FirstHopAdvice {
        private FirstHopAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object hop, @Advice.Argument(0) HttpRequest request) {
            if (TokenCarrier.current() == null) {
                return;
            }
            String name = AgentBridge.outboundHeader();
            URI uri = request.uri();
            String value = AgentBridge.outboundValue(uri.getScheme(), uri.getHost(), uri.getPort(),
                    request.headers().firstValue(name).isPresent());
            if (value != null) {
                AgentBridge.setJdkSystemHeader(hop, name, value);
            }
        }
    }
}
