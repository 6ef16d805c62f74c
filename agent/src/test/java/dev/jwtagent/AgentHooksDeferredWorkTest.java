package dev.jwtagent;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.jwtagent.bootstrap.InboundDecision;
import dev.jwtagent.inbound.InboundPolicy;
import dev.jwtagent.inbound.PathPatterns;
import dev.jwtagent.metrics.AgentMetrics;
import dev.jwtagent.outbound.AllowedHosts;
import dev.jwtagent.outbound.OutboundPolicy;
import dev.jwtagent.verify.TokenVerifiers;
import dev.jwtagent.verify.VerifierSettings;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which inbound decisions run the work deferred from startup, and when. */
class AgentHooksDeferredWorkTest {
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    private final List<String> ran = new ArrayList<>();
    private final FirstRequestWork firstRequest = new FirstRequestWork("the first request");
    private final FirstRequestWork firstToken = new FirstRequestWork("the first request with a token");
    private final AgentHooks hooks;

    AgentHooksDeferredWorkTest() {
        firstRequest.add(() -> ran.add("metrics"));
        firstToken.add(() -> ran.add("hand-offs"));
        hooks = hooks(policy(true, List.of()));
    }

    /** An inbound policy for HS256 tokens of {@link #token()}: enforcing or monitoring, with these paths excluded; no token required. */
    private static InboundPolicy policy(boolean enforce, List<String> excludedPaths) {
        return new InboundPolicy(TokenVerifiers.create(VerifierSettings.builder().secret(SECRET)
                .issuers(List.of("https://issuer.test")).audiences(List.of("orders")).build()),
                enforce, false, PathPatterns.parse(excludedPaths), "Authorization", 8192, new AgentMetrics());
    }

    /** Hooks over {@code inbound} that run this test's two kinds of deferred work. */
    private AgentHooks hooks(InboundPolicy inbound) {
        OutboundPolicy outbound = new OutboundPolicy(AllowedHosts.parse(List.of("localhost")), "Authorization", System::currentTimeMillis);
        return new AgentHooks(inbound, outbound, new AgentMetrics(), firstRequest::run, firstToken::run);
    }

    private static String token() {
        return JWT.create().withIssuer("https://issuer.test").withAudience("orders").withSubject("alice")
                .withExpiresAt(Instant.now().plusSeconds(60)).sign(Algorithm.HMAC256(SECRET));
    }

    private InboundDecision decide(String header) {
        return hooks.decideInbound(header == null ? Collections.emptyEnumeration() : Collections.enumeration(List.of(header)),
                "/orders", null, null);
    }

    @Test
    void requestsWithoutATokenRunOnlyTheFirstRequestsWork() {
        assertNull(decide(null).token(), "no token, not required: let through without one");
        assertEquals(List.of("metrics"), ran);
        assertNull(decide("Bearer not.a.token").token(), "rejected");
        assertEquals(List.of("metrics"), ran, "a rejected token never becomes current: the hand-offs can wait");
    }

    @Test
    void theFirstVerifiedTokenWaitsForTheHandOffsAndLaterOnesDoNot() {
        decide(null);
        InboundDecision first = decide("Bearer " + token());
        assertNotNull(first.token());
        assertEquals(List.of("metrics", "hand-offs"), ran, "done before the decision that makes the token current returns");
        InboundDecision again = hooks.decideInboundRemembered("Bearer " + token(), first, "/orders", null, null);
        assertNotNull(again.token());
        assertEquals(List.of("metrics", "hand-offs"), ran, "each part runs once");
    }

    @Test
    void neitherAMonitoredBadTokenNorAValidTokenOnAnExcludedPathRunsTheHandOffWork() {
        AgentHooks monitoring = hooks(policy(false, List.of("/health")));
        InboundDecision monitored = monitoring.decideInbound(Collections.enumeration(List.of("Bearer not.a.token")), "/orders", null, null);
        assertNull(monitored.token(), "monitor mode lets the request through, without the token");
        InboundDecision excluded = monitoring.decideInbound(Collections.enumeration(List.of("Bearer " + token())), "/health", null, null);
        assertNull(excluded.token(), "an excluded path is not verified and carries no token");
        assertEquals(List.of("metrics"), ran);
    }

    @Test
    void aRememberedDecisionWithATokenAlsoRunsTheHandOffWork() {
        String header = "Bearer " + token();
        InboundDecision earlier = decideWithoutHooks(header);
        hooks.decideInboundRemembered(header, earlier, "/orders", null, null);
        assertEquals(List.of("metrics", "hand-offs"), ran);
    }

    /** A decision made on {@code header} by a policy of its own, as another thread's hooks would have. */
    private static InboundDecision decideWithoutHooks(String header) {
        return policy(true, List.of()).decide(Collections.enumeration(List.of(header)), "/orders", null, null);
    }
}
