package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.DecidedHop;
import dev.jwtagent.bootstrap.FirstHops;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Around;
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
import okhttp3.internal.http.CallServerInterceptor;

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
 *       keys a {@code Vary: Authorization} answer by it) and the network layer do. The hop's copy
 *       is marked decided ({@link DecidedHop}): sent again, it keeps the header only while its host
 *       is allowed; given to a new call ({@code networkResponse().request()}), it loses it. A hop the
 *       header was added to is counted as it is written (at the {@code CallServerInterceptor}, after
 *       the network interceptors): propagated when the agent's value goes, the header already set
 *       when another went in its place, expired only when it was taken off as expired. A hop marked
 *       for another call's token there (a network interceptor that kept it) loses the agent's value.</li>
 *   <li>An enqueued call's callback runs with the token current at {@code enqueue}, whichever
 *       thread hands the call to the executor (a waiting call is handed over by the thread that
 *       ends another call, which holds that call's caller's token).</li>
 *   <li>OkHttp's own scheduler ({@code TaskRunner}, 4 and 5) is handed work with no token.</li>
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
                        OkHttpInstrumentation.class, "ExecuteOnAdvice"))
                // OkHttp's own scheduler (4 and 5): one loop, handed to a thread pool by whichever call first
                // schedules a task, runs every client's tasks (WebSocket writers and their callbacks among them):
                // handed over with no token, so that no caller's token runs another caller's work.
                .type(TypeMatch.named("okhttp3.internal.concurrent.TaskRunner$RealBackend").inLoadersWithAnyOf("okhttp3.OkHttpClient"))
                .transform(Around.hidingToken(MethodMatch.named("execute")))
                // The dispatcher starts queued calls, and cancels every call, on whichever thread asks:
                // the calls' EventListener events (dispatcherQueueEnd, canceled) run there, for other
                // callers. With the token hidden they run with none; each started call's own hand-off
                // still takes its caller's token (ExecuteOnAdvice).
                .type(TypeMatch.named("okhttp3.Dispatcher").inLoadersWithAnyOf("okhttp3.OkHttpClient"))
                .transform(Around.hidingToken(MethodMatch.named("promoteAndExecute", "cancelAll")));
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
            DecidedHop decided = request.tag(DecidedHop.class);
            if (decided != null) {
                // A request a hop of an earlier call was sent as (networkResponse().request()), reused:
                // the header is the agent's, not the application's, and the new call is decided anew.
                Request.Builder fresh = request.newBuilder().tag(DecidedHop.class, null);
                if (AgentBridge.isOutboundValueOf(present, decided.token)) {
                    fresh.removeHeader(name);
                    present = null;
                }
                request = fresh.build();
            }
            CarriedToken earlier = request.tag(CarriedToken.class);
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
     * A hop handed to the {@code CacheInterceptor}: decided for the hop's own host when the call
     * carries a token, and marked decided ({@link DecidedHop}), with the header when it goes. A hop
     * already marked for this token (3.14 passes one hop through both {@code proceed} methods; an
     * interceptor may send a copy of {@code networkResponse().request()} again, elsewhere) is not
     * decided again: only its header, if it has the agent's, is checked against its host.
     */
    public static final class HopAdvice {
        private HopAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object chain, @Advice.FieldValue("interceptors") List<?> interceptors,
                                 @Advice.FieldValue("index") int index,
                                 @Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object hopRequest) {
            if (hopRequest == null || index >= interceptors.size()) {
                return;
            }
            if (interceptors.get(index) instanceof CallServerInterceptor) {
                // After the connection was made and the application's network interceptors ran, before
                // the hop is written: a token that expired meanwhile (a slow DNS lookup or connect) is
                // taken off, a network interceptor that added its own value of the header beside the
                // agent's has its value go alone, and the hop is counted by what goes.
                DecidedHop hop = ((Request) hopRequest).tag(DecidedHop.class);
                if (hop == null) {
                    return;
                }
                String name = AgentBridge.outboundHeader();
                List<String> values = ((Request) hopRequest).headers(name);
                Call call = ((Interceptor.Chain) chain).call();
                Request callRequest = call == null ? null : call.request();
                if (callRequest == null || callRequest.tag(CarriedToken.class) != hop.token) {
                    // A hop of an earlier call a network interceptor kept and sends again from this call (after
                    // the CacheInterceptor, so never decided for it): the agent's value there is the earlier
                    // caller's token. It goes off; the application's own values stay; nothing is counted.
                    Request.Builder own = ((Request) hopRequest).newBuilder().removeHeader(name);
                    boolean dropped = false;
                    for (String value : values) {
                        if (AgentBridge.isOutboundValueOf(value, hop.token)) {
                            dropped = true;
                        } else {
                            own.addHeader(name, value);
                        }
                    }
                    if (dropped) {
                        hopRequest = own.build();
                    }
                    return;
                }
                boolean ours = values.size() == 1 && AgentBridge.isOutboundValueOf(values.get(0), hop.token);
                if (ours && AgentBridge.outboundExpiredBeforeSent(hop.token.expiresAtMillis())) {
                    hop.takenOffExpired();
                    hopRequest = ((Request) hopRequest).newBuilder().removeHeader(name).build();
                    return;
                }
                if (values.size() > 1) {
                    Request.Builder own = ((Request) hopRequest).newBuilder().removeHeader(name);
                    boolean dropped = false;
                    for (String value : values) {
                        if (!dropped && AgentBridge.isOutboundValueOf(value, hop.token)) {
                            dropped = true;
                        } else {
                            own.addHeader(name, value);
                        }
                    }
                    if (dropped) {
                        hopRequest = own.build();
                    }
                }
                hop.written(ours);
                return;
            }
            if (!(interceptors.get(index) instanceof CacheInterceptor)) {
                return;
            }
            Call call = ((Interceptor.Chain) chain).call();
            Request callRequest = call == null ? null : call.request();
            CarriedToken token = callRequest == null ? null : callRequest.tag(CarriedToken.class);
            Request request = (Request) hopRequest;
            String name = AgentBridge.outboundHeader();
            DecidedHop decided = request.tag(DecidedHop.class);
            if (decided != null && decided.token != token) {
                // A hop of an earlier call (its networkResponse().request()) an interceptor of this call sends
                // again: the agent's header there is that call's token, neither this call's nor the application's.
                Request.Builder fresh = request.newBuilder().tag(DecidedHop.class, null);
                if (AgentBridge.isOutboundValueOf(request.header(name), decided.token)) {
                    fresh.removeHeader(name);
                }
                request = fresh.build();
                hopRequest = request;
                decided = null;
            }
            if (token == null) {
                return;
            }
            String present = request.header(name);
            HttpUrl url = request.url();
            // A call made over https that a redirect or an interceptor moved to plain http: the token goes on to loopback only.
            boolean downgrade = !url.isHttps() && callRequest.url().isHttps();
            // A follow-up chosen by the host of the call's first hop, when that host may not see the token: it
            // chose where the call goes next, path and query included, so no later hop takes it.
            boolean redirectedByAHostNotAllowed = FirstHops.redirectedByAHostNotAllowed(call, url.scheme(), url.host(), url.port());
            if (decided != null && decided.token == token) {
                if (AgentBridge.isOutboundValueOf(present, token)
                        && (redirectedByAHostNotAllowed
                        || downgrade && !AgentBridge.outboundSchemeAllowed(token, "https", url.scheme(), url.host())
                        || !AgentBridge.outboundRedirectAllowed(token, url.scheme(), url.host(), url.port()))) {
                    hopRequest = request.newBuilder().removeHeader(name).build();
                }
                return;
            }
            // Counted as the hop is written (above): a network interceptor may put its own value in its place.
            String value = redirectedByAHostNotAllowed
                    || downgrade && present == null && !AgentBridge.outboundSchemeAllowed(token, "https", url.scheme(), url.host()) ? null
                    : AgentBridge.outboundValueCountedWhenSentFor(token, url.scheme(), url.host(), url.port(), present != null);
            Request.Builder marked = request.newBuilder().tag(DecidedHop.class, new DecidedHop(token, value != null));
            if (value != null) {
                marked.header(name, value);
            }
            hopRequest = marked.build();
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
