package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.UrlConnectionHeaders;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;
import net.bytebuddy.asm.Advice;

import java.net.HttpURLConnection;
import java.util.List;
import java.util.Map;

/**
 * {@code java.net.HttpURLConnection} (HTTP and HTTPS: the HTTPS implementation delegates to the
 * same class). The header is decided as the JDK writes each request, after it has added its own
 * headers (preemptive credentials among them): the connection's {@code writeRequests()} is recorded
 * for its thread, and the JDK {@code HttpClient}'s {@code writeRequests} it calls with the finished
 * header list decides and adds ({@link UrlConnectionHeaders}). A proxy tunnel's {@code CONNECT} is
 * written through another method and never gets the header. After a redirect the JDK follows, the
 * agent decides again for the new destination. Every header list goes through the two-argument
 * {@code writeRequests} as it is put on the wire, also the one the JDK writes again while reading
 * the answer (a GET whose connection ended first): a token that has expired by then is taken off.
 */
public final class HttpUrlConnectionInstrumentation implements AgentInstrumentation {
    static final String IMPLEMENTATION = "sun.net.www.protocol.http.HttpURLConnection";
    static final String JDK_HTTP_CLIENT = "sun.net.www.http.HttpClient";

    @Override
    public String name() {
        return "http-url-connection";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        return rules.type(TypeMatch.named(IMPLEMENTATION))
                .transform(support.advice(MethodMatch.named("writeRequests").arguments(0),
                        HttpUrlConnectionInstrumentation.class, "WriteAdvice"))
                .transform(support.advice(MethodMatch.named("followRedirect0").arguments(3),
                        HttpUrlConnectionInstrumentation.class, "RedirectAdvice"))
                // Before a redirect or a retry the JDK hands the request's headers, the agent's among them, to the
                // application's CookieHandler; it hides Authorization there itself, but not a header of the service's own.
                .transform(support.advice(MethodMatch.named("setCookieHeader").arguments(0),
                        HttpUrlConnectionInstrumentation.class, "CookieHandlerAdvice"))
                // The JDK hides Authorization from these itself, but not a header of the service's own.
                .transform(support.advice(MethodMatch.named("getRequestProperty").arguments(1),
                        HttpUrlConnectionInstrumentation.class, "PropertyAdvice"))
                .transform(support.advice(MethodMatch.named("getRequestProperties").arguments(0),
                        HttpUrlConnectionInstrumentation.class, "PropertiesAdvice"))
                // UrlConnectionHeaders reads and changes the request's headers (a sun.net.www.MessageHeader);
                // the JDK's HttpClient below hands them over only after this class has been rewritten.
                .exportingToBridge("java.base", "sun.net.www")
                .type(TypeMatch.named(JDK_HTTP_CLIENT))
                // Only the three-argument form: the tunnel's CONNECT is written with the two-argument one.
                .transform(support.advice(MethodMatch.named("writeRequests").arguments(3),
                        HttpUrlConnectionInstrumentation.class, "SendAdvice"))
                // Every write, the one the JDK retries while reading the answer included: an expired token is
                // taken off. The tunnel's CONNECT passes here too, with a header list the agent never added to.
                .transform(support.advice(MethodMatch.named("writeRequests").arguments(2).argument(0, "sun.net.www.MessageHeader"),
                        HttpUrlConnectionInstrumentation.class, "WireAdvice"));
    }

    /** The connection writes its request: recorded for the thread while it does. */
    public static final class WriteAdvice {
        private WriteAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static Object enter(@Advice.This Object connection) {
            return UrlConnectionHeaders.writing(connection);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter Object outer) {
            UrlConnectionHeaders.doneWriting(outer);
        }
    }

    /** The finished header list, just before it is written: where the agent decides and adds. */
    public static final class SendAdvice {
        private SendAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object requests) {
            UrlConnectionHeaders.sending(requests);
        }
    }

    /**
     * A header list about to go on the wire, also when the JDK writes it again while reading the
     * answer (a GET whose connection ended first), past {@link SendAdvice}: a token that expired
     * since the call was decided is taken off.
     */
    public static final class WireAdvice {
        private WireAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object requests) {
            UrlConnectionHeaders.writingHeaders(requests);
        }
    }

    /**
     * The JDK asks the application's {@code CookieHandler} for the request's cookies, handing it the
     * request's headers: the agent's value is out of them while it does, and back for the write.
     */
    public static final class CookieHandlerAdvice {
        private CookieHandlerAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static String enter(@Advice.This Object connection,
                                   @Advice.FieldValue("cookieHandler") Object cookieHandler,
                                   @Advice.FieldValue("requests") Object requests) {
            // No handler (the usual case): the JDK asks nobody, and nothing is looked up.
            return cookieHandler == null ? null : UrlConnectionHeaders.hidingFromCookieHandler(connection, requests);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Enter String hidden, @Advice.FieldValue("requests") Object requests) {
            if (hidden != null) {
                UrlConnectionHeaders.shownAgain(requests, hidden);
            }
        }
    }

    /** What the application reads back of a request property: never the agent's own header. */
    public static final class PropertyAdvice {
        private PropertyAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object connection,
                                @Advice.Argument(0) String key,
                                @Advice.Return(readOnly = false) String value) {
            value = UrlConnectionHeaders.requestProperty(connection, key, value);
        }
    }

    /** The application's view of all request properties: without the agent's own header. */
    public static final class PropertiesAdvice {
        private PropertiesAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object connection,
                                @Advice.Return(readOnly = false) Map<String, List<String>> properties) {
            properties = UrlConnectionHeaders.requestProperties(connection, properties);
        }
    }

    /** A redirect the JDK follows keeps the request's headers: the agent decides again for the new destination. */
    public static final class RedirectAdvice {
        private RedirectAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This HttpURLConnection connection,
                                @Advice.Argument(1) int status,
                                @Advice.Return boolean followed,
                                @Advice.FieldValue("requests") Object requests) {
            if (followed) {
                UrlConnectionHeaders.redirected(connection, connection.getURL(), status, requests);
            }
        }
    }
}
