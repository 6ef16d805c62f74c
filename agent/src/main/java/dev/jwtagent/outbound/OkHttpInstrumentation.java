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
import okhttp3.Request;

/**
 * OkHttp 3.x, 4.x and 5.x, {@code execute} and {@code enqueue}. {@code OkHttpClient.newCall}, on
 * the calling thread, captures the current token with the request, as a tag keyed by
 * {@link CarriedToken} (a tag survives the copies that interceptors, redirects and authentication
 * follow-ups make with {@code newBuilder()}). The header is decided when the request's headers are
 * written ({@code writeRequestHeaders} of the HTTP/1.1 and HTTP/2 codecs), for the request as it is
 * then: after every application and network interceptor, for the host it is really sent to, and
 * with whatever {@code Authorization} they or an {@code Authenticator} set counting as already
 * set. So no interceptor, event listener or {@code Response.request()} ever sees the token, a hop
 * moved to a host that is not allowed (by an interceptor or a redirect) goes without it, and each
 * hop is decided for its own host. The codec's copy of the request is the only one with the header.
 * A request given to {@code newCall} while no token is current loses any tag it carries.
 * The advice uses only methods whose Java signatures are the same in OkHttp 3.11 and later.
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
                // 3.14 and later name the codecs ...ExchangeCodec; 3.11 to 3.13 name them ...Codec.
                .type(TypeMatch.named("okhttp3.internal.http1.Http1ExchangeCodec", "okhttp3.internal.http2.Http2ExchangeCodec",
                                "okhttp3.internal.http1.Http1Codec", "okhttp3.internal.http2.Http2Codec")
                        .inLoadersWithAnyOf("okhttp3.OkHttpClient"))
                .transform(support.advice(MethodMatch.named("writeRequestHeaders").arguments(1).argument(0, "okhttp3.Request"),
                        OkHttpInstrumentation.class, "WriteHeadersAdvice"))
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
            if (token != null) {
                callRequest = request.newBuilder().tag(CarriedToken.class, token).build();
            } else if (request.tag(CarriedToken.class) != null) {
                // A request taken from an earlier call (call.request()) must not send that call's token.
                callRequest = request.newBuilder().tag(CarriedToken.class, null).build();
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

    public static final class WriteHeadersAdvice {
        private WriteHeadersAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false, typing = Assigner.Typing.DYNAMIC) Object sentRequest) {
            if (sentRequest == null) {
                return;
            }
            Request request = (Request) sentRequest;
            CarriedToken token = request.tag(CarriedToken.class);
            if (token == null) {
                return;
            }
            String name = AgentBridge.outboundHeader();
            HttpUrl url = request.url();
            String value = AgentBridge.outboundValueFor(token, url.scheme(), url.host(), url.port(), request.header(name) != null);
            if (value != null) {
                sentRequest = request.newBuilder().header(name, value).build();
            }
        }
    }
}
