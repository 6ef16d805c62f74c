package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.bootstrap.UrlConnectionHeaders;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;
import net.bytebuddy.asm.Advice;

import java.net.HttpURLConnection;
import java.net.URL;

/**
 * {@code java.net.HttpURLConnection} (HTTP and HTTPS: the HTTPS implementation delegates to the
 * same class). The header is added just before the connection is made; headers cannot change after,
 * but for a redirect the JDK follows, after which the agent decides again ({@link UrlConnectionHeaders}).
 */
public final class HttpUrlConnectionInstrumentation implements AgentInstrumentation {
    static final String IMPLEMENTATION = "sun.net.www.protocol.http.HttpURLConnection";

    @Override
    public String name() {
        return "http-url-connection";
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        return rules.type(TypeMatch.named(IMPLEMENTATION))
                .transform(support.advice(MethodMatch.named("connect", "getOutputStream", "getInputStream").arguments(0),
                        HttpUrlConnectionInstrumentation.class, "ConnectAdvice"))
                .transform(support.advice(MethodMatch.named("followRedirect0").arguments(3),
                        HttpUrlConnectionInstrumentation.class, "RedirectAdvice"))
                // AgentBridge.messageHeaderHas reads the user's headers (a sun.net.www.MessageHeader).
                .exportingToBridge("java.base", "sun.net.www");
    }

    public static final class ConnectAdvice {
        private ConnectAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This HttpURLConnection connection,
                                 @Advice.FieldValue("connected") boolean connected,
                                 @Advice.FieldValue("connecting") boolean connecting,
                                 @Advice.FieldValue("userHeaders") Object userHeaders) {
            // connect, getOutputStream and getInputStream each set "connecting" first: only the
            // first of them decides, and never after headers can no longer change.
            if (connected || connecting || TokenCarrier.current() == null) {
                return;
            }
            String name = AgentBridge.outboundHeader();
            URL url = connection.getURL();
            String value = AgentBridge.outboundValue(url.getProtocol(), url.getHost(), url.getPort(),
                    AgentBridge.messageHeaderHas(userHeaders, name));
            if (value != null) {
                connection.setRequestProperty(name, value);
                UrlConnectionHeaders.added(connection, value);
            }
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
                                @Advice.FieldValue("requests") Object requests,
                                @Advice.FieldValue("userHeaders") Object userHeaders) {
            if (followed) {
                UrlConnectionHeaders.redirected(connection, connection.getURL(), status, requests, userHeaders);
            }
        }
    }
}
