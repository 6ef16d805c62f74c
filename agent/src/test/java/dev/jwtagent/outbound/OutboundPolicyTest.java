package dev.jwtagent.outbound;

import dev.jwtagent.bootstrap.CarriedToken;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OutboundPolicyTest {
    private static final long NOW = 1_000_000L;
    private final AllowedHosts internal = AllowedHosts.parse(List.of("internal"));
    private final OutboundPolicy policy = new OutboundPolicy(internal, "Authorization", () -> NOW);
    private final CarriedToken live = new CarriedToken("aaa.bbb.ccc", NOW + 1, "sha256:000000000000");

    @Test
    void liveTokenToAllowedHostIsPropagatedWithBearerPrefix() {
        assertEquals(OutboundPolicy.Outcome.PROPAGATE, policy.decide(live, "http", "orders", 80, false));
        assertEquals("Bearer aaa.bbb.ccc", policy.headerValue(live));
    }

    @Test
    void noTokenMeansNothingToPropagate() {
        assertEquals(OutboundPolicy.Outcome.NO_TOKEN, policy.decide(null, "http", "orders", 80, false));
    }

    @Test
    void headerSetByTheApplicationIsNeverOverwritten() {
        assertEquals(OutboundPolicy.Outcome.ALREADY_SET, policy.decide(live, "http", "orders", 80, true));
    }

    @Test
    void expiredTokenIsNotPropagatedWithoutAnySkew() {
        CarriedToken expiresNow = new CarriedToken("aaa.bbb.ccc", NOW, "sha256:000000000000");
        assertEquals(OutboundPolicy.Outcome.EXPIRED, policy.decide(expiresNow, "http", "orders", 80, false));
    }

    @Test
    void aTokenAddedBeforeItsRequestWaitedIsJudgedByTheSameClock() {
        assertEquals(true, policy.expired(NOW));
        assertEquals(true, policy.expired(NOW - 1));
        assertEquals(false, policy.expired(NOW + 1));
    }

    @Test
    void hostThatIsNotAllowedGetsNothing() {
        assertEquals(OutboundPolicy.Outcome.NOT_ALLOWED, policy.decide(live, "https", "api.example.com", 443, false));
    }

    @Test
    void aCallMadeOverHttpsSendsTheTokenOverPlainHttpToALoopbackHostOnly() {
        assertEquals(true, OutboundPolicy.downgraded("https", "http", "orders"));
        assertEquals(true, OutboundPolicy.downgraded("HTTPS", "HTTP", "10.0.0.7"));
        assertEquals(false, OutboundPolicy.downgraded("https", "http", "localhost"));
        assertEquals(false, OutboundPolicy.downgraded("https", "http", "127.0.0.1"));
        assertEquals(false, OutboundPolicy.downgraded("https", "http", "[::1]"));
        assertEquals(false, OutboundPolicy.downgraded("https", "https", "orders"));
        assertEquals(false, OutboundPolicy.downgraded("http", "http", "orders"));
        assertEquals(false, OutboundPolicy.downgraded(null, "http", "orders"));
    }

    @Test
    void customHeaderCarriesTheBareToken() {
        OutboundPolicy custom = new OutboundPolicy(internal, "X-Forwarded-Token", () -> NOW);
        assertEquals("aaa.bbb.ccc", custom.headerValue(live));
    }
}
