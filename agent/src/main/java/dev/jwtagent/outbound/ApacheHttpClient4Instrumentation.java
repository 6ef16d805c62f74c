package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.ClassicCallSchemes;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;
import net.bytebuddy.asm.Advice;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.HttpResponse;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.message.BasicHeader;
import org.apache.http.protocol.HttpContext;

/**
 * Apache HttpClient 4.3 to 4.5, classic API. {@code MainClientExec} (the default client's last step,
 * after {@code ProtocolExec} has added the client's default headers) and {@code MinimalClientExec}
 * (the minimal client) run once per hop on the calling thread, with the route of that hop and the
 * client's own per-hop copy of the request. They note the hop's target in the context; the send
 * ({@code HttpRequestExecutor.execute}) of that very copy on that thread takes the note and decides
 * for it. The header goes on that copy: a redirect is built from the application's original
 * request, so it never inherits the token, and its own hop is decided for its own host.
 *
 * <p>Deciding at the send keeps the {@code Authorization} the client adds itself: its default
 * headers ({@code RequestDefaultHeaders} adds them whatever the request already has, so deciding
 * before {@code ProtocolExec} sent both) and its preemptive credentials, which {@code MainClientExec}
 * adds just before the send only when the request has no {@code Authorization} yet (so deciding on
 * entry to it sent the token in their place).
 */
public final class ApacheHttpClient4Instrumentation implements AgentInstrumentation {
    /** The context attribute that carries a hop's target from the exec step to its send. */
    static final String HOP_TARGET = "dev.jwtagent.hop-target";
    /**
     * The context attribute that marks a hop whose header the send left on the request after a
     * challenge (401, 407): the client's answer sends that request again, where a token that has
     * expired meanwhile goes off.
     */
    static final String HOP_KEPT = "dev.jwtagent.hop-kept";

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
                        ApacheHttpClient4Instrumentation.class, "HopAdvice"))
                // The call as the application made it, before its redirects: an https call's token goes over plain http to loopback only.
                .type(TypeMatch.named("org.apache.http.impl.execchain.RedirectExec").inLoadersWithAnyOf("org.apache.http.impl.execchain.ClientExecChain"))
                .transform(support.advice(MethodMatch.named("execute").arguments(4)
                                .argument(0, "org.apache.http.conn.routing.HttpRoute")
                                .argument(2, "org.apache.http.client.protocol.HttpClientContext"),
                        ApacheHttpClient4Instrumentation.class, "CallAdvice"))
                // In whatever loader holds httpcore, which may be a parent of httpclient's: its advice names httpcore's types only.
                .type(TypeMatch.named("org.apache.http.protocol.HttpRequestExecutor").inLoadersWithAnyOf("org.apache.http.protocol.HttpRequestExecutor"))
                .transform(support.advice(MethodMatch.named("execute").arguments(3)
                                .argument(0, "org.apache.http.HttpRequest")
                                .argument(2, "org.apache.http.protocol.HttpContext"),
                        ApacheHttpClient4Instrumentation.class, "SendAdvice"));
    }

    /**
     * The call, before the client follows its redirects: the scheme it was made with is noted for the
     * thread that runs it (a classic call runs on one) and its context, for the sends of its hops;
     * never in the context, which the application may share between threads.
     */
    public static final class CallAdvice {
        private CallAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter(@Advice.Argument(0) Object callRoute, @Advice.Argument(2) Object callContext) {
            if (TokenCarrier.current() == null || callContext == null) {
                return null;
            }
            HttpHost callTarget = ((HttpRoute) callRoute).getTargetHost();
            return ClassicCallSchemes.began(callContext, callTarget.getSchemeName(), callTarget.getHostName(), callTarget.getPort());
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Object previous) {
            if (previous != null) {
                ClassicCallSchemes.ended(previous);
            }
        }
    }

    public static final class HopAdvice {
        private HopAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter(@Advice.Argument(0) Object hopRoute, @Advice.Argument(1) Object hopRequest,
                                   @Advice.Argument(2) Object hopContext) {
            if (TokenCarrier.current() == null) {
                return null;
            }
            // Noted for every hop with the thread that runs it and the request copy it sends: only that
            // copy's send on that thread takes it, so a context shared by requests running at once, or a
            // nested call on the same context, never uses another request's target. The last slot holds
            // the header the send added while it is still on the request, and the expiry of its token.
            Object[] note = {Thread.currentThread(), hopRequest, ((HttpRoute) hopRoute).getTargetHost(), null, null};
            ((HttpContext) hopContext).setAttribute(HOP_TARGET, note);
            return note;
        }

        /**
         * A hop that never reached its send (its connection failed, say) leaves no note in the
         * application's context. A header the send left on the request for the client's answer to a
         * challenge (401, 407) goes off now: the client is done with this request object, which the
         * context keeps for response interceptors and the application.
         */
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Object note, @Advice.Argument(1) Object hopRequest, @Advice.Argument(2) Object hopContext) {
            if (note instanceof Object[] && ((Object[]) note)[3] instanceof Header) {
                ((HttpRequest) hopRequest).removeHeader((Header) ((Object[]) note)[3]);
                ((Object[]) note)[3] = null;
            }
            if (note != null && ((HttpContext) hopContext).getAttribute(HOP_TARGET) == note) {
                ((HttpContext) hopContext).removeAttribute(HOP_TARGET);
            }
            if (note != null && ((HttpContext) hopContext).getAttribute(HOP_KEPT) == note) {
                ((HttpContext) hopContext).removeAttribute(HOP_KEPT);
            }
        }
    }

    public static final class SendAdvice {
        private SendAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter(@Advice.Argument(0) Object sentRequest, @Advice.Argument(2) Object sendContext) {
            HttpContext context = (HttpContext) sendContext;
            Object kept = context == null ? null : context.getAttribute(HOP_KEPT);
            if (kept instanceof Object[] && ((Object[]) kept).length == 5 && ((Object[]) kept)[0] == Thread.currentThread()
                    && ((Object[]) kept)[1] == sentRequest) {
                // The client answers a challenge by sending the hop's request again, with the header the
                // agent left on it (a name the client does not replace): it goes only while its token is valid.
                context.removeAttribute(HOP_KEPT);
                Object[] note = (Object[]) kept;
                if (note[3] instanceof Header && note[4] instanceof Long
                        && AgentBridge.outboundExpiredBeforeSent(((Long) note[4]).longValue())) {
                    ((HttpRequest) sentRequest).removeHeader((Header) note[3]);
                    note[3] = null;
                }
                return null;
            }
            Object noted = context == null ? null : context.getAttribute(HOP_TARGET);
            if (!(noted instanceof Object[]) || ((Object[]) noted).length != 5 || ((Object[]) noted)[0] != Thread.currentThread()
                    || ((Object[]) noted)[1] != sentRequest || !(((Object[]) noted)[2] instanceof HttpHost)) {
                // Not the send of a noted hop: a proxy's CONNECT, or a request sent outside the exec chain.
                return null;
            }
            // Taken once: a later send of the same hop (an authentication retry) goes as the client rebuilt it.
            context.removeAttribute(HOP_TARGET);
            HttpRequest request = (HttpRequest) sentRequest;
            if (TokenCarrier.current() == null) {
                return null;
            }
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
            if (!request.containsHeader(name)
                    && !AgentBridge.outboundRequestLineAllowed(TokenCarrier.current(), request.getRequestLine().getUri())) {
                return null;
            }
            String value = AgentBridge.outboundValue(target.getSchemeName(), target.getHostName(), target.getPort(),
                    request.containsHeader(name));
            if (value == null) {
                return null;
            }
            Header added = new BasicHeader(name, value);
            request.addHeader(added);
            ((Object[]) noted)[3] = added;
            ((Object[]) noted)[4] = Long.valueOf(TokenCarrier.current().expiresAtMillis());
            return noted;
        }

        /**
         * Sent (or failed): the agent's header goes off the request. It is the one the context holds
         * ({@code HttpClientContext.getRequest()}), which response interceptors and the application
         * read after the call, and may copy onto a request to another host. After a challenge (401,
         * 407) it goes off as the hop's exec step returns instead: the client may answer the challenge
         * by sending this same request object again, to the same host, which a header other than
         * {@code Authorization} went with before.
         */
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Object sent, @Advice.Argument(0) Object sentRequest,
                                @Advice.Argument(2) Object sendContext, @Advice.Return Object response) {
            if (!(sent instanceof Object[]) || !(((Object[]) sent)[3] instanceof Header)) {
                return;
            }
            if (response instanceof HttpResponse) {
                int status = ((HttpResponse) response).getStatusLine().getStatusCode();
                if (status == 401 || status == 407) {
                    // Checked again if the client sends the request again to answer the challenge.
                    ((HttpContext) sendContext).setAttribute(HOP_KEPT, sent);
                    return;
                }
            }
            ((HttpRequest) sentRequest).removeHeader((Header) ((Object[]) sent)[3]);
            ((Object[]) sent)[3] = null;
        }
    }
}
