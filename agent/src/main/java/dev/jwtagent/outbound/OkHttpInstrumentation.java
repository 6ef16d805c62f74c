package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;

/**
 * OkHttp 3.x, 4.x and 5.x, {@code execute} and {@code enqueue}. Both start from
 * {@code OkHttpClient.newCall(Request)}, on the calling thread: the request the call is created
 * with gets the header, so the token captured there is what an enqueued call sends from the
 * dispatcher's threads. A redirect copies the request's headers; OkHttp itself drops
 * {@code Authorization} when the redirect goes to another host, and the second advice does the same
 * for the configured header whatever its name, so a redirect to another host never carries the token.
 * The advice uses only methods whose Java signatures are the same in OkHttp 3, 4 and 5.
 */
public final class OkHttpInstrumentation implements AgentInstrumentation {
    @Override
    public String name() {
        return "okhttp";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        return rules
                .type(TypeMatch.named("okhttp3.OkHttpClient").inLoadersWithAnyOf("okhttp3.OkHttpClient"))
                .transform(support.advice(MethodMatch.named("newCall").arguments(1).argument(0, "okhttp3.Request"),
                        OkHttpInstrumentation.class, "NewCallAdvice"))
                .type(TypeMatch.named("okhttp3.internal.http.RetryAndFollowUpInterceptor").inLoadersWithAnyOf("okhttp3.OkHttpClient"))
                .transform(support.advice(MethodMatch.named("followUpRequest").arguments(2).argument(0, "okhttp3.Response"),
                        OkHttpInstrumentation.class, "FollowUpAdvice"));
    }

    public static final class NewCallAdvice {
        private NewCallAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object callRequest) {
            if (callRequest == null || TokenCarrier.current() == null) {
                return;
            }
            Request request = (Request) callRequest;
            String name = AgentBridge.outboundHeader();
            HttpUrl url = request.url();
            String value = AgentBridge.outboundValue(url.scheme(), url.host(), url.port(), request.header(name) != null);
            if (value != null) {
                callRequest = request.newBuilder().header(name, value).build();
            }
        }
    }

    public static final class FollowUpAdvice {
        private FollowUpAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) Object previousResponse,
                                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object followUpRequest) {
            if (followUpRequest == null) {
                return;
            }
            Request followUp = (Request) followUpRequest;
            String name = AgentBridge.outboundHeader();
            HttpUrl from = ((Response) previousResponse).request().url();
            HttpUrl to = followUp.url();
            if (followUp.header(name) != null
                    && (!from.host().equals(to.host()) || from.port() != to.port() || !from.scheme().equals(to.scheme()))) {
                followUpRequest = followUp.newBuilder().removeHeader(name).build();
            }
        }
    }
}
