package dev.jwtagent.bootstrap;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DecisionClaimsTest {
    private static final Map<String, Object> CLAIMS;

    static {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", "alice");
        claims.put("roles", List.of("reader"));
        CLAIMS = Collections.unmodifiableMap(claims);
    }

    private final InboundDecision decision = InboundDecision.proceedWith(
            new CarriedToken("header.payload.signature", Long.MAX_VALUE, "fp"), "alice", CLAIMS);

    @Test
    void theApplicationSeesTheClaimsAsAnUnmodifiableMap() {
        Map<String, Object> seen = decision.claimsAttribute();
        assertEquals(CLAIMS, seen);
        assertEquals(seen, CLAIMS);
        assertEquals(CLAIMS.hashCode(), seen.hashCode());
        assertEquals("alice", seen.get("sub"));
        assertEquals(List.of("reader"), seen.get("roles"));
        assertNull(seen.get("exp"));
        assertEquals(List.of("sub", "roles"), List.copyOf(seen.keySet()));
        assertThrows(UnsupportedOperationException.class, () -> seen.put("sub", "mallory"));
        assertThrows(UnsupportedOperationException.class, () -> seen.remove("sub"));
        assertThrows(UnsupportedOperationException.class, seen::clear);
        assertThrows(UnsupportedOperationException.class, () -> seen.entrySet().iterator().next().setValue("mallory"));
        assertEquals("alice", seen.get("sub"));
    }

    @Test
    void itNamesTheDecisionForLaterDispatches() {
        assertSame(decision, decision.claimsAttribute().decision());
        assertSame(decision.claimsAttribute(), decision.claimsAttribute(), "made once per decision");
    }

    @Test
    void itSerializesAsThePlainClaimsWithoutTheDecisionOrItsToken() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(decision.claimsAttribute());
        }
        String written = new String(bytes.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertFalse(written.contains("header.payload.signature"), "the token is not written");
        assertFalse(written.contains("DecisionClaims"), "nor the agent's class");
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            assertEquals(CLAIMS, in.readObject());
        }
    }

    @Test
    void aDecisionWithoutClaimsHasNone() {
        assertNull(InboundDecision.PROCEED_WITHOUT_TOKEN.claimsAttribute());
        assertNull(InboundDecision.reject(401, "Bearer", new byte[0]).claimsAttribute());
    }
}
