package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.HttpURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * An {@code HttpURLConnection} call's header list as it goes on the wire: the agent's value is taken
 * off once its token has expired since the call was decided (a write the JDK retries while reading
 * the answer), and no later write of the call gets it back; a list the agent never added to, and a
 * value that is not the agent's, are left alone.
 */
class UrlConnectionExpiredHeaderTest {
    private static final String NAME = "Authorization";
    private final List<Long> expiredAsked = new ArrayList<>();
    private long now;

    @AfterEach
    void uninstall() {
        AgentBridge.install(null, NAME, NAME);
    }

    /** Stands for the JDK's MessageHeader: the three methods the agent calls. */
    public static final class Headers {
        final Map<String, String> map = new LinkedHashMap<>();

        public String findValue(String name) {
            return map.get(name);
        }

        public void set(String name, String value) {
            map.put(name, value);
        }

        public void remove(String name) {
            map.remove(name);
        }
    }

    private void install() {
        AgentBridge.install(new OutboundOnlyHooks() {
            @Override
            public String outboundValue(String scheme, String host, int port, boolean headerAlreadySet) {
                return headerAlreadySet ? null : "Bearer " + TokenCarrier.current().value();
            }

            @Override
            public boolean outboundExpiredBeforeSent(long expiresAtMillis) {
                expiredAsked.add(expiresAtMillis);
                return expiresAtMillis <= now;
            }
        }, NAME, NAME);
    }

    /** The JDK writes {@code headers} for {@code connection} with {@code token} current: the agent decides then. */
    private static void written(HttpURLConnection connection, Headers headers, CarriedToken token) {
        CarriedToken before = TokenCarrier.swap(token);
        try {
            Object outer = UrlConnectionHeaders.writing(connection);
            try {
                UrlConnectionHeaders.sending(headers);
            } finally {
                UrlConnectionHeaders.doneWriting(outer);
            }
        } finally {
            TokenCarrier.restore(before);
        }
    }

    @Test
    void theAgentsValueIsTakenOffOnceItsTokenHasExpired() throws Exception {
        install();
        HttpURLConnection connection = (HttpURLConnection) new URL("http://localhost:9/orders").openConnection();
        Headers headers = new Headers();
        CarriedToken alice = new CarriedToken("alice.token.value", 1_000, "fp-alice");
        written(connection, headers, alice);
        assertEquals("Bearer alice.token.value", headers.findValue(NAME));

        now = 999;
        UrlConnectionHeaders.writingHeaders(headers);
        assertEquals("Bearer alice.token.value", headers.findValue(NAME), "not expired yet");
        now = 1_000;
        UrlConnectionHeaders.writingHeaders(headers);
        assertNull(headers.findValue(NAME), "the retried write");
        assertEquals(List.of(1_000L, 1_000L), expiredAsked);

        // A later write of the call (a redirect the JDK follows) does not get it back.
        written(connection, headers, alice);
        assertNull(headers.findValue(NAME));
    }

    @Test
    void aListTheAgentDidNotAddToIsLeftAlone() throws Exception {
        install();
        now = Long.MAX_VALUE;
        Headers tunnel = new Headers();
        tunnel.set(NAME, "Bearer alice.token.value");
        UrlConnectionHeaders.writingHeaders(tunnel);
        assertEquals("Bearer alice.token.value", tunnel.findValue(NAME));

        HttpURLConnection connection = (HttpURLConnection) new URL("http://localhost:9/orders").openConnection();
        Headers own = new Headers();
        own.set(NAME, "Basic c2VydmljZTpzZWNyZXQ=");
        written(connection, own, new CarriedToken("alice.token.value", 1_000, "fp-alice"));
        UrlConnectionHeaders.writingHeaders(own);
        assertEquals("Basic c2VydmljZTpzZWNyZXQ=", own.findValue(NAME), "the application's own value");
        assertEquals(List.of(), expiredAsked);
    }
}
