package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The JDK HttpClient's hop, as its headers are written: counted once, as propagated or, when the
 * client put credentials it kept in the token's place, as the header already set; the agent's
 * header is taken off when its token has expired since the hop was made, and only the agent's.
 */
class JdkExpiredHeaderTest {
    private static final String NAME = "Authorization";
    private final List<Long> expiredAsked = new ArrayList<>();
    private final List<String> counted = new ArrayList<>();

    @AfterEach
    void uninstall() {
        AgentBridge.install(null, NAME, NAME);
    }

    /** Stands for the JDK's HttpHeadersBuilder: a public class whose map() is the live, case-insensitive map. */
    public static final class Headers {
        private final TreeMap<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

        public Map<String, List<String>> map() {
            return map;
        }
    }

    private void installClockAt(long nowMillis) {
        AgentBridge.install(new OutboundOnlyHooks() {
            @Override
            public boolean outboundExpiredBeforeSent(long expiresAtMillis) {
                expiredAsked.add(expiresAtMillis);
                return expiresAtMillis <= nowMillis;
            }

            @Override
            public void outboundCountWhenSent(boolean stillThere) {
                counted.add(stillThere ? "propagated" : "skipped.already_set");
            }
        }, NAME, NAME);
    }

    /** A hop the agent added {@code added} to, whose headers hold {@code value} as it is written. */
    private static Object hopWith(CarriedToken token, Headers headers, String added, String value) {
        Object hop = new Object();
        headers.map().put("authorization", new ArrayList<>(Collections.singletonList(value)));
        CarriedToken before = TokenCarrier.swap(token);
        try {
            AgentBridge.captureJdkHop(hop, headers, added);
        } finally {
            TokenCarrier.restore(before);
        }
        return hop;
    }

    private static Object hopWith(CarriedToken token, Headers headers, String value) {
        return hopWith(token, headers, value, value);
    }

    @Test
    void aTokenThatExpiredSinceTheHopWasMadeIsTakenOffOnce() {
        installClockAt(2_000);
        CarriedToken alice = new CarriedToken("alice.token.value", 1_000, "fp-alice");
        Headers headers = new Headers();
        Object hop = hopWith(alice, headers, "Bearer alice.token.value");
        AgentBridge.jdkHopWritten(hop);
        assertFalse(headers.map().containsKey(NAME));
        AgentBridge.jdkHopWritten(hop);
        assertEquals(List.of(1_000L), expiredAsked, "decided (and counted as expired) once");
        assertEquals(List.of(), counted, "not propagated");
    }

    @Test
    void aValidTokenStaysAndIsCheckedAgainWhenTheHopIsWrittenAgain() {
        installClockAt(2_000);
        CarriedToken alice = new CarriedToken("alice.token.value", 5_000, "fp-alice");
        Headers headers = new Headers();
        Object hop = hopWith(alice, headers, "Bearer alice.token.value");
        AgentBridge.jdkHopWritten(hop);
        AgentBridge.jdkHopWritten(hop);
        assertEquals(List.of("Bearer alice.token.value"), headers.map().get(NAME));
        assertEquals(List.of(5_000L, 5_000L), expiredAsked);
        assertEquals(List.of("propagated"), counted, "a hop written again is counted once");
    }

    @Test
    void credentialsTheClientPutInTheTokensPlaceStay() {
        installClockAt(2_000);
        CarriedToken alice = new CarriedToken("alice.token.value", 1_000, "fp-alice");
        Headers headers = new Headers();
        Object hop = hopWith(alice, headers, "Bearer alice.token.value", "Basic dXNlcjpwYXNz");
        AgentBridge.jdkHopWritten(hop);
        assertEquals(List.of("Basic dXNlcjpwYXNz"), headers.map().get(NAME));
        assertEquals(List.of(), expiredAsked, "not the agent's header: nothing to decide");
        assertEquals(List.of("skipped.already_set"), counted);
        AgentBridge.jdkHopWritten(hop);
        assertEquals(List.of("skipped.already_set"), counted, "once");
    }

    /**
     * Once the hop is collected, nothing the agent kept beside it holds the token: before, its
     * headers (the token in them) and the token stayed in the agent's map until some later capture.
     */
    @Test
    void nothingKeptBesideACollectedHopHoldsTheToken() throws Exception {
        installClockAt(2_000);
        CarriedToken alice = new CarriedToken(new String("alice.token.value"), 5_000, "fp-alice");
        Headers headers = new Headers();
        Object hop = hopWith(alice, headers, new String("Bearer alice.token.value"));
        java.lang.ref.WeakReference<Object> hopGone = new java.lang.ref.WeakReference<>(hop);
        java.lang.ref.WeakReference<Object> headersGone = new java.lang.ref.WeakReference<>(headers);
        java.lang.ref.WeakReference<Object> tokenGone = new java.lang.ref.WeakReference<>(alice);
        hop = null;
        headers = null;
        alice = null;
        for (int i = 0; i < 100 && (hopGone.get() != null || headersGone.get() != null || tokenGone.get() != null); i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(hopGone.get(), "the hop was collected");
        assertNull(headersGone.get(), "its headers, with the token in them, are not kept");
        assertNull(tokenGone.get(), "nor is the token");
    }
}
