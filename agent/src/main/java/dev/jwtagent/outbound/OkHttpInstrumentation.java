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
import okhttp3.internal.cache.CacheInterceptor;

import java.util.List;

/**
 * OkHttp 3.14 and later, {@code execute} and {@code enqueue}.
 * <ul>
 *   <li>A call is made ({@code RealCall}'s constructor: {@code newCall}, {@code clone()}) with the
 *       token current on the thread that makes it, kept as a tag of the call's request keyed by
 *       {@link CarriedToken} (its {@code toString()} shows only the fingerprint), or none: a
 *       request that already has the outbound header (the application's own) makes the call go
 *       without the token on every hop, and a tag an earlier call left on a reused request goes.</li>
 *   <li>Each hop (the first, a redirect, an authentication follow-up) is decided as OkHttp hands it
 *       to its {@code CacheInterceptor}: after the application's interceptors and the
 *       {@code BridgeInterceptor}, for the host the hop really goes to, with an {@code Authorization}
 *       an interceptor or an {@code Authenticator} set kept alone, and with the call's token
 *       whatever request object the interceptors made. The request the application, its
 *       interceptors and its {@code Authenticator} get back ({@code response.request()}) never
 *       has the header, so a redirect or follow-up built from it never copies it; the cache (which
 *       keys a {@code Vary: Authorization} answer by it) and the network layer do. A request taken
 *       from {@code networkResponse().request()} and given to a new call loses the header.</li>
 *   <li>An enqueued call's callback runs with the token current at {@code enqueue}, whichever
 *       thread hands the call to the executor (a waiting call is handed over by the thread that
 *       ends another call, which holds that call's caller's token).</li>
 * </ul>
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
                .type(TypeMatch.named("okhttp3.internal.connection.RealCall", "okhttp3.RealCall").inLoadersWithAnyOf("okhttp3.OkHttpClient"))
                .transform(support.advice(MethodMatch.constructors().arguments(3).argument(1, "okhttp3.Request"),
                        OkHttpInstrumentation.class, "NewCallAdvice"))
                // proceed(Request) in 4 and 5; in 3.14 also proceed(Request, Transmitter, Exchange), which the other calls.
                .type(TypeMatch.named("okhttp3.internal.http.RealInterceptorChain").inLoadersWithAnyOf("okhttp3.OkHttpClient"))
                .transform(support.advice(MethodMatch.named("proceed").argument(0, "okhttp3.Request"),
                        OkHttpInstrumentation.class, "HopAdvice"))
                .type(TypeMatch.named("okhttp3.internal.connection.RealCall$AsyncCall", "okhttp3.RealCall$AsyncCall")
                        .inLoadersWithAnyOf("okhttp3.OkHttpClient"))
                .transform(support.advice(MethodMatch.constructors(), OkHttpInstrumentation.class, "EnqueueAdvice"))
                .transform(support.advice(MethodMatch.named("executeOn").arguments(1).argument(0, "java.util.concurrent.ExecutorService"),
                        OkHttpInstrumentation.class, "ExecuteOnAdvice"));
    }

    public static final class NewCallAdvice {
        private NewCallAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 1, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object callRequest) {
            if (callRequest == null) {
                return;
            }
            Request request = (Request) callRequest;
            String name = AgentBridge.outboundHeader();
            String present = request.header(name);
            CarriedToken earlier = request.tag(CarriedToken.class);
            if (earlier != null && AgentBridge.isOutboundValueOf(present, earlier)) {
                // A request the agent sent (networkResponse().request()), reused: its header is not the application's.
                request = request.newBuilder().removeHeader(name).build();
                present = null;
            }
            CarriedToken token = TokenCarrier.current();
            if (token != null && present == null) {
                callRequest = request.newBuilder().tag(CarriedToken.class, token).build();
                return;
            }
            if (token != null) {
                // The application's own header: counted as already set, and the call carries no token.
                HttpUrl url = request.url();
                AgentBridge.outboundValue(url.scheme(), url.host(), url.port(), true);
            }
            callRequest = earlier == null ? request : request.newBuilder().tag(CarriedToken.class, null).build();
        }
    }

    /**
     * A hop handed to the {@code CacheInterceptor}: the header is added for the hop's own host when
     * the call carries a token, on a copy tagged with that token (so that 3.14's second
     * {@code proceed} of the same hop, and a reuse of the copy, know it for the agent's).
     */
    public static final class HopAdvice {
        private HopAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object chain, @Advice.FieldValue("interceptors") List<?> interceptors,
                                 @Advice.FieldValue("index") int index,
                                 @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object hopRequest) {
            if (hopRequest == null || index >= interceptors.size() || !(interceptors.get(index) instanceof CacheInterceptor)) {
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
            if (request.tag(CarriedToken.class) == token && AgentBridge.isOutboundValueOf(present, token)) {
                return;
            }
            HttpUrl url = request.url();
            String value = AgentBridge.outboundValueFor(token, url.scheme(), url.host(), url.port(), present != null);
            if (value != null) {
                hopRequest = request.newBuilder().header(name, value).tag(CarriedToken.class, token).build();
            }
        }
    }

    /** {@code enqueue} makes the call's {@code AsyncCall} on the calling thread: the token current there goes with it. */
    public static final class EnqueueAdvice {
        private EnqueueAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object asyncCall) {
            AgentBridge.captureToken(asyncCall);
        }
    }

    /**
     * An enqueued call handed to the dispatcher's executor, which gives it the token current
     * here: the one captured at its {@code enqueue}, or none, never the token of whichever thread
     * hands it over (a waiting call is handed over by the thread that ends another call).
     */
    public static final class ExecuteOnAdvice {
        private ExecuteOnAdvice() {
        }

        /** What the thread held before, or {@code Boolean.TRUE} for nothing; null when nothing was swapped. */
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter(@Advice.This Object asyncCall) {
            CarriedToken previous = TokenCarrier.swap(AgentBridge.takeCapturedToken(asyncCall));
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
