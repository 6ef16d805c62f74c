package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.internal.http.BridgeInterceptor;

import java.util.List;

/**
 * OkHttp 3.14 and later, {@code execute} and {@code enqueue}. {@code OkHttpClient.newCall}, on the
 * calling thread, captures the current token with the call's request, as a tag keyed by
 * {@link CarriedToken} (whose {@code toString()} shows only the fingerprint), unless the
 * application's request already has the outbound header: then the call never carries the token.
 * Each hop (the first, a redirect, an authentication follow-up) is decided as OkHttp hands it to
 * its {@code BridgeInterceptor}: after the application's interceptors, for the host the hop really
 * goes to, with an {@code Authorization} an interceptor or an {@code Authenticator} set counting as
 * already set, and with the token of the call's own request, whatever request object the
 * interceptors made. The cache and network interceptors, after that point, see the header (the
 * cache keys a {@code Vary: Authorization} response by it); application interceptors do not. A
 * header of the agent's that a redirect copied is decided again for the new host.
 * The advice uses only methods whose Java signatures are the same in OkHttp 3.14, 4 and 5.
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
                // proceed(Request) in 4 and 5; in 3.14 also proceed(Request, Transmitter, Exchange), which the other calls.
                .type(TypeMatch.named("okhttp3.internal.http.RealInterceptorChain").inLoadersWithAnyOf("okhttp3.OkHttpClient"))
                .transform(support.advice(MethodMatch.named("proceed").argument(0, "okhttp3.Request"),
                        OkHttpInstrumentation.class, "HopAdvice"))
                .type(TypeMatch.named("okhttp3.internal.connection.RealCall$AsyncCall", "okhttp3.RealCall$AsyncCall")
                        .inLoadersWithAnyOf("okhttp3.OkHttpClient"))
                .transform(support.advice(MethodMatch.named("executeOn").arguments(1).argument(0, "java.util.concurrent.ExecutorService"),
                        OkHttpInstrumentation.class, "ExecuteOnAdvice"));
    }

    public static final class NewCallAdvice {
        private NewCallAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object callRequest) {
            if (callRequest == null) {
                return;
            }
            Request request = (Request) callRequest;
            CarriedToken token = TokenCarrier.current();
            String name = AgentBridge.outboundHeader();
            if (token != null && request.header(name) == null) {
                callRequest = request.newBuilder().tag(CarriedToken.class, token).build();
                return;
            }
            if (token != null) {
                // The application's own header: counted as already set, and the call carries no token.
                HttpUrl url = request.url();
                AgentBridge.outboundValue(url.scheme(), url.host(), url.port(), true);
            }
            if (request.tag(CarriedToken.class) != null) {
                // A request taken from an earlier call (call.request()) must not send that call's token.
                callRequest = request.newBuilder().tag(CarriedToken.class, null).build();
            }
        }
    }

    /**
     * A hop handed to the {@code BridgeInterceptor}: the header is added for the hop's own host
     * when the call's request carries a token. A header of the agent's already there (a redirect
     * copies headers other than {@code Authorization} to the next host; in 3.14 one hop passes
     * through both {@code proceed} methods) is kept only while its host is allowed.
     */
    public static final class HopAdvice {
        private HopAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object chain, @Advice.FieldValue("interceptors") List<?> interceptors,
                                 @Advice.FieldValue("index") int index,
                                 @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object hopRequest) {
            if (hopRequest == null || index >= interceptors.size() || !(interceptors.get(index) instanceof BridgeInterceptor)) {
                return;
            }
            Call call = ((Interceptor.Chain) chain).call();
            Request callRequest = call == null ? null : call.request();
            CarriedToken token = callRequest == null ? null : callRequest.tag(CarriedToken.class);
            if (token == null) {
                return;
            }
            Request request = (Request) hopRequest;
            String name = AgentBridge.outboundHeader();
            String present = request.header(name);
            HttpUrl url = request.url();
            if (AgentBridge.isOutboundValueOf(present, token)) {
                if (!AgentBridge.outboundRedirectAllowed(token, url.scheme(), url.host(), url.port())) {
                    hopRequest = request.newBuilder().removeHeader(name).build();
                }
                return;
            }
            String value = AgentBridge.outboundValueFor(token, url.scheme(), url.host(), url.port(), present != null);
            if (value != null) {
                hopRequest = request.newBuilder().header(name, value).build();
            }
        }
    }

    /**
     * An enqueued call handed to the dispatcher's executor. A call that had to wait (the client's
     * limit per host or in all) is handed over by the thread that ends another call, which holds
     * that call's caller's token: the hand-over runs with the token captured at this call's
     * {@code newCall} instead, or none, so the executor gives the call, and its callback, the token
     * of its own caller.
     */
    public static final class ExecuteOnAdvice {
        private ExecuteOnAdvice() {
        }

        /** What the thread held before, or {@code Boolean.TRUE} for nothing; null when nothing was swapped. */
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter(@Advice.FieldValue("this$0") Object realCall) {
            Request request = ((Call) realCall).request();
            CarriedToken own = request == null ? null : request.tag(CarriedToken.class);
            CarriedToken previous = TokenCarrier.swap(own);
            return previous != null ? previous : Boolean.TRUE;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Object previous) {
            if (previous instanceof CarriedToken) {
                TokenCarrier.restore((CarriedToken) previous);
            } else if (previous == Boolean.TRUE) {
                TokenCarrier.restore(null);
            }
        }
    }
}
