package dev.jwtagent;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.InboundDecision;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.bootstrap.UrlConnectionHeaders;
import dev.jwtagent.inbound.InboundPolicy;
import dev.jwtagent.inbound.PathPatterns;
import dev.jwtagent.metrics.AgentMetrics;
import dev.jwtagent.outbound.AllowedHosts;
import dev.jwtagent.outbound.OutboundPolicy;
import dev.jwtagent.verify.Fingerprint;
import dev.jwtagent.verify.TokenVerifier;
import dev.jwtagent.verify.TokenVerifiers;
import dev.jwtagent.verify.VerifierSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC 3 and 6: a failure inside the agent never reaches the application. Inbound it fails closed
 * (401 in enforce mode), outbound the request goes on without the token; each fault is counted,
 * logged once with its cause, and the log never carries the token even when the fault's own
 * message does. Collaborators are replaced by lambdas that throw.
 */
class InternalFaultHandlingTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);
    private static final String INTERNAL_ERROR = "Bearer error=\"invalid_token\", error_description=\"internal error\"";

    private final AgentMetrics metrics = new AgentMetrics();

    @AfterEach
    void clearCarrierAndBridge() {
        TokenCarrier.restore(null);
        AgentBridge.install(null, "Authorization", "Authorization");
    }

    // Distinct fault types: the agent logs each kind of fault once per JVM.
    static final class VerifierBroke extends RuntimeException {
        VerifierBroke(String message) {
            super(message);
        }
    }

    static final class VerifierError extends Error {
        VerifierError(String message) {
            super(message);
        }
    }

    static final class VerifierLeaks extends RuntimeException {
        VerifierLeaks(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static final class RememberedVerifierLeaks extends RuntimeException {
        RememberedVerifierLeaks(String message) {
            super(message);
        }
    }

    static final class HeadersBroke extends RuntimeException {
        HeadersBroke() {
            super("the request's header enumeration broke");
        }
    }

    static final class ClockBroke extends RuntimeException {
        ClockBroke(String message) {
            super(message);
        }
    }

    static final class ExpiryClockBroke extends RuntimeException {
        ExpiryClockBroke(String message) {
            super(message);
        }
    }

    static final class HeaderWriteLeaks extends RuntimeException {
        HeaderWriteLeaks(String message) {
            super(message);
        }
    }

    static final class PolicyLeaks extends RuntimeException {
        PolicyLeaks(String message) {
            super(message);
        }
    }

    private InboundPolicy inbound(TokenVerifier verifier, boolean enforce) {
        return new InboundPolicy(verifier, enforce, false, PathPatterns.parse(List.of()), "Authorization", 8192, metrics);
    }

    private static String token(String subject) {
        return JWT.create().withIssuer("https://issuer.test").withAudience("orders").withSubject(subject)
                .withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256(SECRET));
    }

    private static Enumeration<String> bearer(String token) {
        return Collections.enumeration(List.of("Bearer " + token));
    }

    @Test
    void verifierThatThrowsFailsClosedWith401AndIsLoggedOnceWithItsCause() {
        InboundPolicy policy = inbound(token -> {
            throw new VerifierBroke("verifier broke on purpose");
        }, true);
        String log = Stderr.capture(() -> {
            for (int i = 0; i < 3; i++) {
                InboundDecision decision = policy.decide(bearer(token("alice")), "/orders", null, null);
                assertEquals(401, decision.rejectStatus());
                assertEquals(INTERNAL_ERROR, decision.wwwAuthenticate());
                assertNull(decision.token());
            }
        });
        assertEquals(3, metrics.get("internal_faults"));
        assertEquals(1, count(log, "internal fault while deciding on a request"), log);
        assertEquals(1, count(log, VerifierBroke.class.getName() + ": verifier broke on purpose"), log);
        assertTrue(log.contains("\tat "), "logged with its stack trace: " + log);
    }

    @Test
    void anErrorFromTheVerifierAlsoFailsClosed() {
        InboundPolicy policy = inbound(token -> {
            throw new VerifierError("out of something");
        }, true);
        String log = Stderr.capture(() -> {
            assertEquals(401, policy.decide(bearer(token("alice")), "/orders", null, null).rejectStatus());
            assertEquals(401, policy.decide(bearer(token("bob")), "/orders", null, null).rejectStatus());
        });
        assertEquals(1, count(log, VerifierError.class.getName()), log);
    }

    @Test
    void inMonitorModeAFaultLetsTheRequestGoOnWithoutAToken() {
        InboundPolicy policy = inbound(token -> {
            throw new VerifierBroke("monitor");
        }, false);
        InboundDecision decision = Stderr.captureResult(() -> policy.decide(bearer(token("alice")), "/orders", null, null));
        assertFalse(decision.rejects());
        assertNull(decision.token(), "a token that was not verified is never carried");
        assertEquals(1, metrics.get("internal_faults"));
    }

    @Test
    void aHeaderEnumerationThatThrowsFailsClosed() {
        InboundPolicy policy = inbound(token -> {
            throw new AssertionError("the verifier is not reached");
        }, true);
        Enumeration<String> broken = new Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return true;
            }

            @Override
            public String nextElement() {
                throw new HeadersBroke();
            }
        };
        String log = Stderr.capture(() -> assertEquals(INTERNAL_ERROR, policy.decide(broken, "/orders", null, null).wwwAuthenticate()));
        assertEquals(1, count(log, HeadersBroke.class.getName()), log);
    }

    @Test
    void aFaultWhoseMessageCarriesTheTokenIsLoggedWithoutIt() {
        String token = token("alice");
        String[] parts = token.split("\\.");
        InboundPolicy policy = inbound(t -> {
            throw new VerifierLeaks("cannot read " + t, new IllegalStateException("payload " + parts[1] + " signature " + parts[2]));
        }, true);
        String log = Stderr.capture(() -> assertEquals(401, policy.decide(bearer(token), "/orders", null, null).rejectStatus()));
        assertNoTokenMaterial(log, token);
        assertEquals(1, count(log, VerifierLeaks.class.getName() + ": cannot read " + Fingerprint.of(token)), log);
        assertTrue(log.contains(IllegalStateException.class.getName() + ": payload <redacted> signature <redacted>"),
                "the cause is logged, without the token's segments: " + log);
        assertTrue(log.contains("\tat " + InternalFaultHandlingTest.class.getName()), "with the original stack trace: " + log);
    }

    @Test
    void aVerifierWhoseClockThrowsRejectsAsInternalErrorAndLogsOnce() {
        TokenVerifier verifier = verifierWhoseClockThrows("clock broke on purpose");
        InboundPolicy policy = inbound(verifier, true);
        String log = Stderr.capture(() -> {
            for (int i = 0; i < 3; i++) {
                assertEquals(INTERNAL_ERROR, policy.decide(bearer(token("alice")), "/orders", null, null).wwwAuthenticate());
            }
        });
        assertEquals(3, metrics.get("rejected.internal_error"));
        assertEquals(1, count(log, ClockBroke.class.getName() + ": clock broke on purpose"), log);
    }

    /**
     * README, Internal faults: a verifier or clock that throws is counted in internal_faults, the
     * counter an operator watches for the agent's own faults, whichever layer caught it: also when
     * the verifier itself turns the fault into the "internal error" refusal (in monitor mode too,
     * where the request goes on without a token).
     */
    @Test
    void aFaultCaughtInsideTheVerifierIsCountedAsAnInternalFault() {
        TokenVerifier verifier = verifierWhoseClockThrows("counted");
        Stderr.capture(() -> {
            assertEquals(INTERNAL_ERROR, inbound(verifier, true).decide(bearer(token("alice")), "/orders", null, null).wwwAuthenticate());
            InboundDecision monitored = inbound(verifier, false).decide(bearer(token("bob")), "/orders", null, null);
            assertFalse(monitored.rejects());
            assertNull(monitored.token());
        });
        assertEquals(2, metrics.get("internal_faults"), metrics.snapshot().toString());
    }

    @Test
    void aFaultTheVerifierCatchesIsLoggedWithoutTheTokenItsMessageQuotes() {
        String alices = token("alice");
        // A library that quotes what it was given in its message.
        TokenVerifier verifier = verifierWhoseClockThrows("cannot check " + alices);
        String log = Stderr.capture(() -> assertEquals(INTERNAL_ERROR,
                inbound(verifier, true).decide(bearer(alices), "/orders", null, null).wwwAuthenticate()));
        assertTrue(log.contains("internal error while verifying a token"), log);
        assertTrue(log.contains(ClockBroke.class.getSimpleName()), log);
        assertFalse(log.contains(alices), log);
        assertFalse(log.contains(alices.split("\\.")[2]), "not even the signature: " + log);
    }

    /** A verifier (HS256, issuer https://issuer.test, audience orders) whose clock throws {@link ClockBroke} with {@code message}. */
    private static TokenVerifier verifierWhoseClockThrows(String message) {
        Clock broken = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                throw new ClockBroke(message);
            }
        };
        return TokenVerifiers.create(VerifierSettings.builder().secret(SECRET)
                .issuers(List.of("https://issuer.test")).audiences(List.of("orders")).clock(broken).build());
    }

    private AgentHooks hooks(OutboundPolicy outbound) {
        InboundPolicy inbound = inbound(token -> {
            throw new AssertionError("not used");
        }, true);
        return new AgentHooks(inbound, outbound, metrics, () -> { }, () -> { });
    }

    private static CarriedToken carry(String token) {
        CarriedToken carried = new CarriedToken(token, Instant.now().plusSeconds(60).toEpochMilli(), Fingerprint.of(token));
        TokenCarrier.swap(carried);
        return carried;
    }

    @Test
    void anOutboundPolicyThatThrowsSendsNothingAndIsLoggedOnce() {
        AgentHooks hooks = hooks(new OutboundPolicy(AllowedHosts.parse(List.of("localhost")), "Authorization", () -> {
            throw new ClockBroke("outbound clock broke on purpose");
        }));
        carry(token("alice"));
        String log = Stderr.capture(() -> {
            for (int i = 0; i < 3; i++) {
                assertNull(hooks.outboundValue("http", "localhost", 8080, false));
            }
        });
        assertEquals(3, metrics.get("internal_faults"));
        assertEquals(0, metrics.get("propagated"));
        assertEquals(1, count(log, "internal fault in outbound policy"), log);
        assertEquals(1, count(log, ClockBroke.class.getName() + ": outbound clock broke on purpose"), log);
    }

    @Test
    void aFaultJudgingAWaitingRequestsTokenTakesTheTokenOff() {
        AgentHooks hooks = hooks(new OutboundPolicy(AllowedHosts.parse(List.of("localhost")), "Authorization", () -> {
            // A class of its own: each fault is logged once per place and class in the JVM.
            throw new ExpiryClockBroke("outbound clock broke on purpose");
        }));
        String log = Stderr.capture(() -> assertTrue(hooks.outboundExpiredBeforeSent(Instant.now().plusSeconds(60).toEpochMilli())));
        assertEquals(1, metrics.get("internal_faults"));
        assertEquals(0, metrics.get("skipped.expired"));
        assertEquals(1, count(log, "internal fault in outbound policy"), log);
    }

    @Test
    void aWaitingRequestsTokenIsTakenOffAndCountedOnlyOnceExpired() {
        long now = 1_000_000L;
        AgentHooks hooks = hooks(new OutboundPolicy(AllowedHosts.parse(List.of("localhost")), "Authorization", () -> now));
        assertFalse(hooks.outboundExpiredBeforeSent(now + 1));
        assertEquals(0, metrics.get("skipped.expired"));
        assertTrue(hooks.outboundExpiredBeforeSent(now));
        assertEquals(1, metrics.get("skipped.expired"));
    }

    @Test
    void anOutboundFaultWhoseMessageCarriesTheTokenIsLoggedWithoutIt() {
        String token = token("alice");
        AgentHooks hooks = hooks(new OutboundPolicy(AllowedHosts.parse(List.of("localhost")), "Authorization", () -> {
            throw new PolicyLeaks("refusing Bearer " + token);
        }));
        carry(token);
        String log = Stderr.capture(() -> assertNull(hooks.outboundValue("http", "localhost", 8080, false)));
        assertNoTokenMaterial(log, token);
        assertEquals(1, count(log, PolicyLeaks.class.getName() + ": refusing Bearer " + Fingerprint.of(token)), log);
    }

    /**
     * An I/O thread (a Netty event loop, an async Apache client's dispatcher) holds no token: the hook
     * there writes one captured on the caller's thread. A fault while writing it that quotes the
     * value (a header store of the application's that refuses it) is logged without it.
     */
    @Test
    void aFaultWritingACapturedTokenOnAThreadWithoutOneIsLoggedWithoutIt() {
        AgentHooks hooks = hooks(new OutboundPolicy(AllowedHosts.parse(List.of("localhost")), "Authorization", System::currentTimeMillis));
        AgentBridge.install(hooks, "Authorization", "Authorization");
        String token = token("alice");
        CarriedToken captured = new CarriedToken(token, Instant.now().plusSeconds(60).toEpochMilli(), Fingerprint.of(token));
        assertNull(TokenCarrier.current(), "an I/O thread holds no token");
        String value = AgentBridge.outboundValueFor(captured, "http", "localhost", 8080, false);
        assertEquals("Bearer " + token, value);
        String log = Stderr.capture(() -> AgentBridge.adviceFault(new HeaderWriteLeaks("headers are read-only, cannot add Authorization: " + value)));
        assertNoTokenMaterial(log, token);
        assertEquals(1, count(log, HeaderWriteLeaks.class.getName() + ": headers are read-only, cannot add Authorization: Bearer "
                + Fingerprint.of(token)), log);
        assertEquals(1, metrics.get("internal_faults"));
    }

    @Test
    void aShortcutSwitchedOffIsLoggedOnceAtInfoAndIsNoFault() {
        AgentHooks hooks = hooks(new OutboundPolicy(AllowedHosts.parse(List.of("localhost")), "Authorization", System::currentTimeMillis));
        AgentBridge.install(hooks, "Authorization", "Authorization");
        String log = Stderr.capture(() -> {
            for (int i = 0; i < 3; i++) {
                AgentBridge.shortcutOff("test-shortcut", "the test shortcut is off");
            }
        });
        assertEquals(1, count(log, "INFO jwt-agent.inbound - the test shortcut is off (logged once)"), log);
        assertEquals(0, metrics.get("internal_faults"), "nothing is decided differently: not a fault");
    }

    @Test
    void headerWritingFaultsInTheBridgeAreReportedOnceAndNeverThrow() throws Exception {
        AgentHooks hooks = hooks(new OutboundPolicy(AllowedHosts.parse(List.of("localhost")), "Authorization", System::currentTimeMillis));
        AgentBridge.install(hooks, "Authorization", "Authorization");
        String token = token("alice");
        carry(token);
        Object notARequest = new Object();
        HttpURLConnection connection = (HttpURLConnection) new URL("http://localhost:9/orders").openConnection();
        String log = Stderr.capture(() -> {
            for (int i = 0; i < 3; i++) {
                AgentBridge.setJdkSystemHeader(notARequest, "Authorization", "Bearer " + token);
                Object outer = UrlConnectionHeaders.writing(connection);
                try {
                    // Not the JDK's header list: the headers cannot be read, and nothing is added.
                    UrlConnectionHeaders.sending(notARequest);
                } finally {
                    UrlConnectionHeaders.doneWriting(outer);
                }
            }
        });
        assertNoTokenMaterial(log, token);
        assertEquals(6, metrics.get("internal_faults"));
        assertEquals(1, count(log, "internal fault in java.net.http header"), log);
        assertEquals(1, count(log, "internal fault in HttpURLConnection headers"), log);
    }

    @Test
    void theBridgeWithoutHooksDoesNothing() {
        carry(token("alice"));
        assertEquals(InboundDecision.PROCEED_WITHOUT_TOKEN, AgentBridge.decideInbound(bearer("x"), "/", null, null));
        assertNull(AgentBridge.outboundValue("http", "localhost", 80, false));
        AgentBridge.internalFault("nowhere", new NoSuchElementException());
    }

    @Test
    void theCarrierIsUntouchedByAnOutboundFault() {
        CarriedToken carried = carry(token("alice"));
        AgentHooks hooks = hooks(new OutboundPolicy(AllowedHosts.parse(List.of("localhost")), "Authorization", () -> {
            throw new ClockBroke("again");
        }));
        Stderr.capture(() -> hooks.outboundValue("http", "localhost", 8080, false));
        assertSame(carried, TokenCarrier.current());
    }

    @Test
    void aFaultWhileDecidingARememberedHeaderIsLoggedWithoutTheToken() {
        // The servlet hooks hand the policy a header they remembered, and its token, without a header enumeration.
        String token = token("alice");
        InboundPolicy policy = inbound(t -> {
            throw new RememberedVerifierLeaks("cannot read " + t);
        }, true);
        String log = Stderr.capture(() -> assertEquals(INTERNAL_ERROR,
                policy.decideRemembered("Bearer " + token, InboundDecision.proceedWith(new CarriedToken(token, Long.MAX_VALUE, Fingerprint.of(token)),
                        "alice", null), "/orders", null, null).wwwAuthenticate()));
        assertNoTokenMaterial(log, token);
        assertEquals(1, count(log, RememberedVerifierLeaks.class.getName() + ": cannot read " + Fingerprint.of(token)), log);
        assertTrue(log.contains("with token " + Fingerprint.of(token)), log);
    }

    /** Checked before any assertion that prints the log, so that a failing test never prints a token either. */
    private static void assertNoTokenMaterial(String log, String token) {
        String[] parts = token.split("\\.");
        assertFalse(log.contains(token), "the log holds token " + Fingerprint.of(token));
        assertFalse(log.contains(parts[1]), "the log holds the payload segment of " + Fingerprint.of(token));
        assertFalse(log.contains(parts[2]), "the log holds the signature segment of " + Fingerprint.of(token));
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }

    /** Captures what the agent's logger (SLF4J simple, writing to the current System.err) prints. */
    static final class Stderr {
        interface Action<T> {
            T run();
        }

        static String capture(Runnable action) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            PrintStream original = System.err;
            System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            try {
                action.run();
            } finally {
                System.setErr(original);
            }
            return buffer.toString(StandardCharsets.UTF_8);
        }

        static <T> T captureResult(Action<T> action) {
            Object[] result = new Object[1];
            capture(() -> result[0] = action.run());
            @SuppressWarnings("unchecked")
            T t = (T) result[0];
            return t;
        }
    }
}
