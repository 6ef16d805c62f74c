package dev.jwtagent.outbound.jetty12;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.TokenCarrier;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.client.AuthenticationStore;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpDestination;
import org.eclipse.jetty.client.transport.HttpExchange;
import org.eclipse.jetty.client.transport.HttpRequest;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * Advice templates for {@code dev.jwtagent.outbound.JettyClient12Instrumentation}. Compiled for
 * Java 17 (Jetty 12's level) by a compiler execution of their own; never loaded by the agent.
 */
public final class JettyClient12Advice {
    /**
     * Request attribute: the current value of the outbound header is the one the agent added, for a
     * token that expires at this time ({@code Long}, epoch milliseconds).
     */
    static final String ADDED = "dev.jwtagent.outbound-header-added";
    /** Request attribute: the header field the agent added (the object itself, told apart by identity). */
    static final String ADDED_FIELD = "dev.jwtagent.outbound-header-field";
    /**
     * Request attribute of a copy (a redirect): the call it continues was made over HTTPS, so the
     * token goes over plain HTTP to loopback only, on whichever thread Jetty sends the copy.
     */
    static final String CALL_OVER_HTTPS = "dev.jwtagent.call-over-https";
    /**
     * Request attribute: the value the agent added is not counted yet. It is counted as the request's
     * headers are written: the client may put its own credentials in its place before that.
     */
    static final String UNCOUNTED = "dev.jwtagent.outbound-header-uncounted";

    private JettyClient12Advice() {
    }

    public static final class SendAdvice {
        private SendAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object sent, @Advice.Argument(0) Object resolved,
                                 @Advice.FieldValue("client") Object sendingClient) {
            // The request may wait in its destination's queue and be sent by another caller's thread
            // (QueuedSendAdvice): its own caller's token, or none, goes with it.
            AgentBridge.captureToken(sent);
            if (TokenCarrier.current() == null || !(resolved instanceof HttpDestination)) {
                return;
            }
            HttpRequest request = (HttpRequest) sent;
            // Where the connection goes: the destination the client resolved by asking the request
            // once. A request of the application's own class may name another host when asked again.
            HttpDestination destination = (HttpDestination) resolved;
            String name = AgentBridge.outboundHeader();
            boolean alreadySet = request.getHeaders().contains(name);
            if (!alreadySet && request.getAttributes().get(CALL_OVER_HTTPS) != null
                    && !AgentBridge.outboundSchemeAllowed(TokenCarrier.current(), "https", destination.getScheme(), destination.getHost())) {
                // A redirect of a call made over https, to plain http on a host that is not loopback.
                return;
            }
            if (!alreadySet && "Authorization".equalsIgnoreCase(name) && sendingClient instanceof HttpClient) {
                // Credentials in the client's authentication store for this destination (kept after a
                // challenge, or put there to go preemptively) are added when the request is sent, after
                // this: they count as the header already set, so the token neither joins nor precedes them.
                AuthenticationStore store = ((HttpClient) sendingClient).getAuthenticationStore();
                alreadySet = store != null && store.hasAuthenticationResults() && request.getURI() != null
                        && store.findAuthenticationResult(request.getURI()) != null;
            }
            // Counted as the headers are written (ListenersAdvice): credentials the store gets for this
            // URI while the request waits for a connection go in the token's place.
            String value = AgentBridge.outboundValueCountedWhenSent(destination.getScheme(), destination.getHost(), destination.getPort(), alreadySet);
            if (value != null) {
                HttpField added = new HttpField(name, value);
                request.addHeader(added);
                request.attribute(ADDED, Long.valueOf(TokenCarrier.current().expiresAtMillis()));
                request.attribute(ADDED_FIELD, added);
                request.attribute(UNCOUNTED, Boolean.TRUE);
            }
        }
    }

    /**
     * At {@code HttpDestination.send(IConnection, HttpExchange)}: a connection is given an exchange
     * on whichever thread found both, often another caller's (its own request just sent, or its own
     * exchange just read to the end and its connection released), and the exchange's request
     * listeners ({@code onRequestBegin}, {@code onRequestHeaders}, {@code onRequestCommit}...) and a
     * failure to send it run right there. They run with the token of the caller who sent that
     * request ({@link SendAdvice} remembered it with the request), or none, never the thread's.
     */
    public static final class QueuedSendAdvice {
        private QueuedSendAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter(@Advice.Argument(1) Object exchange) {
            return AgentBridge.swapInCapturedKept(exchange == null ? null : ((HttpExchange) exchange).getRequest());
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Object replaced) {
            AgentBridge.restoreAfterCaptured(replaced);
        }
    }

    /**
     * At {@code ResponseListeners.notifyBegin}, {@code notifyHeader}, {@code notifyHeaders},
     * {@code notifyContentSource}, {@code notifySuccess}, {@code notifyFailure} (of a response) and
     * {@code notifyComplete} (of a result): a response is read on whichever thread reads its
     * connection, which may be another caller's (one who read its own exchange to its end on its
     * thread, and whose thread then reads the answer to the request sent behind it). The response's
     * listeners run there with none, unless that thread holds the token of the caller who sent the
     * request.
     */
    public static final class ResponseListenersAdvice {
        private ResponseListenersAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter(@Advice.Argument(0) Object notified) {
            Object request = notified instanceof Response ? ((Response) notified).getRequest()
                    : notified instanceof Result ? ((Result) notified).getRequest() : null;
            return AgentBridge.hideUnlessCaptured(request);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Object replaced) {
            AgentBridge.restoreAfterCaptured(replaced);
        }
    }

    /**
     * After {@code HttpReceiver.responseHeaders(HttpExchange)}, which made the response's content
     * source: the source is told the token of the caller who sent the request, for
     * {@link DemandCallbackAdvice}.
     */
    public static final class ContentSourceAdvice {
        private ContentSourceAdvice() {
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) Object exchange, @Advice.FieldValue("rawContentSource") Object source) {
            if (exchange != null) {
                AgentBridge.shareCapturedToken(((HttpExchange) exchange).getRequest(), source);
            }
        }
    }

    /**
     * At {@code HttpReceiver.responseContentAvailable(HttpExchange)}, which runs the demand made for
     * the content: as {@link ContentSourceAdvice}, for a source made after {@code responseHeaders}
     * returned (its work queued behind another thread's).
     */
    public static final class ContentAvailableAdvice {
        private ContentAvailableAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object exchange, @Advice.FieldValue("rawContentSource") Object source) {
            if (exchange != null) {
                AgentBridge.shareCapturedToken(((HttpExchange) exchange).getRequest(), source);
            }
        }
    }

    /**
     * At {@code HttpReceiver$ContentSource.invokeDemandCallback}: the demand a response's content
     * listeners made runs as its content arrives, on whichever thread reads the connection or
     * demands content from it (which may run the demands of other exchanges of the connection
     * queued meanwhile): it follows the rule of {@link ResponseListenersAdvice}.
     */
    public static final class DemandCallbackAdvice {
        private DemandCallbackAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter(@Advice.This Object source) {
            return AgentBridge.hideUnlessCaptured(source);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Object replaced) {
            AgentBridge.restoreAfterCaptured(replaced);
        }
    }

    /**
     * At {@code HttpConnection.normalizeRequest}, as a connection sends the request (HTTP/1.1 and
     * HTTP/2 both call it): a request that waited in its destination's queue for a connection may go
     * out after the token the agent added to it expired; the header is taken off then.
     */
    public static final class SentAdvice {
        private SentAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object sent) {
            HttpRequest request = (HttpRequest) sent;
            Object expiresAt = request.getAttributes().get(ADDED);
            if (expiresAt instanceof Long && AgentBridge.outboundExpiredBeforeSent(((Long) expiresAt).longValue())) {
                // Only the agent's field, told by identity: a value of the header the application added
                // while the request was queued (an onRequestQueued listener) is its own and goes. A
                // field the application merged its value into (ensureField) replaced the agent's: it
                // goes with the application's values only, never with the expired token.
                Object added = request.getAttributes().get(ADDED_FIELD);
                HttpFields fields = request.getHeaders();
                if (added instanceof HttpField && fields instanceof HttpFields.Mutable) {
                    String agents = ((HttpField) added).getValue();
                    java.util.ListIterator<HttpField> each = ((HttpFields.Mutable) fields).listIterator();
                    while (each.hasNext()) {
                        HttpField field = each.next();
                        if (field == added) {
                            each.remove();
                        } else if (field.is(((HttpField) added).getName()) && field.getValue() != null
                                && field.getValue().contains(agents)) {
                            java.util.List<String> kept = new java.util.ArrayList<>();
                            for (String value : field.getValues()) {
                                if (!agents.equals(value)) {
                                    kept.add(value);
                                }
                            }
                            if (kept.isEmpty()) {
                                each.remove();
                            } else {
                                each.set(new HttpField(field.getHeader(), field.getName(), String.join(", ", kept)));
                            }
                        }
                    }
                }
                request.attribute(ADDED, null);
                request.attribute(ADDED_FIELD, null);
                // Counted as expired here, not again as the headers are written.
                request.attribute(UNCOUNTED, null);
            }
        }
    }

    /**
     * After the request's begin and headers listeners ran (at the end of {@code HttpRequest.notifyHeaders},
     * which the sender calls after {@code notifyBegin}, before the headers go out): an
     * application's listener that added its own value of the outbound header (a field of its own)
     * beside the token the agent added has its value go alone; the agent's field is told by identity.
     */
    public static final class ListenersAdvice {
        private ListenersAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object notified) {
            HttpRequest request = (HttpRequest) notified;
            Object added = request.getAttributes().get(ADDED_FIELD);
            boolean uncounted = request.getAttributes().get(UNCOUNTED) != null;
            if (uncounted) {
                request.attribute(UNCOUNTED, null);
            }
            if (added == null || !(request.getHeaders() instanceof HttpFields.Mutable)) {
                if (uncounted) {
                    AgentBridge.outboundCountWhenSent(added != null);
                }
                return;
            }
            String name = AgentBridge.outboundHeader();
            HttpFields.Mutable fields = (HttpFields.Mutable) request.getHeaders();
            java.util.List<HttpField> others = new java.util.ArrayList<>();
            boolean present = false;
            for (HttpField field : fields) {
                if (field == added) {
                    present = true;
                } else if (field.is(name)) {
                    others.add(field);
                }
            }
            if (present && others.isEmpty()) {
                if (uncounted) {
                    AgentBridge.outboundCountWhenSent(true);
                }
                return;
            }
            if (present) {
                fields.remove(name);
                for (HttpField field : others) {
                    fields.add(field);
                }
            }
            // The agent's value is gone (replaced by a listener) or taken off here: nothing of the
            // agent's is left for the check made as the request is sent.
            request.attribute(ADDED, null);
            request.attribute(ADDED_FIELD, null);
            if (uncounted) {
                // A listener's value, or the stored credentials the connection applied, went in its place.
                AgentBridge.outboundCountWhenSent(false);
            }
        }
    }

    /**
     * At {@code HttpRequest.notifyCommit} (the headers are written) and {@code notifyFailure} (the
     * request will not be written), before the application's listeners: the request is the
     * application's own object, which it may read, log, or copy onto a request to another host
     * after the call; the agent's field (told by identity) goes off it, so nothing there shows the
     * token as a header the application set.
     */
    public static final class DoneAdvice {
        private DoneAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object done) {
            HttpRequest request = (HttpRequest) done;
            Object added = request.getAttributes().get(ADDED_FIELD);
            if (added == null) {
                return;
            }
            request.attribute(ADDED, null);
            request.attribute(ADDED_FIELD, null);
            HttpFields fields = request.getHeaders();
            if (!(fields instanceof HttpFields.Mutable)) {
                return;
            }
            java.util.ListIterator<HttpField> each = ((HttpFields.Mutable) fields).listIterator();
            while (each.hasNext()) {
                if (each.next() == added) {
                    each.remove();
                }
            }
        }
    }

    public static final class CopyAdvice {
        private CopyAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object copied, @Advice.Return Object copyOfRequest) {
            HttpRequest original = (HttpRequest) copied;
            HttpRequest copy = (HttpRequest) copyOfRequest;
            if (copy == null) {
                return;
            }
            if ("https".equalsIgnoreCase(original.getScheme()) || original.getAttributes().get(CALL_OVER_HTTPS) != null) {
                // Jetty may send the copy from a thread that holds the caller's token, where it is decided anew.
                copy.attribute(CALL_OVER_HTTPS, Boolean.TRUE);
            }
            if (original.getAttributes().get(ADDED) == null) {
                return;
            }
            String name = AgentBridge.outboundHeader();
            String added = original.getHeaders().get(name);
            HttpFields fields = copy.getHeaders();
            if (added != null && added.equals(fields.get(name)) && fields instanceof HttpFields.Mutable) {
                ((HttpFields.Mutable) fields).remove(name);
            }
        }
    }
}
