package dev.jwtagent.inbound;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PathPatternsTest {
    private final PathPatterns patterns = PathPatterns.parse(List.of("/health", "/actuator/**", "/api/*/status", "/v1.0/info"));

    @Test
    void exactPathMatchesOnlyItself() {
        assertTrue(patterns.matches("/health"));
        assertFalse(patterns.matches("/health/x"));
        assertFalse(patterns.matches("/healthz"));
    }

    @Test
    void doubleStarCoversTheDirectoryAndEverythingBelow() {
        assertTrue(patterns.matches("/actuator"));
        assertTrue(patterns.matches("/actuator/health/liveness"));
        assertFalse(patterns.matches("/actuatorx"));
    }

    @Test
    void singleStarStaysWithinOneSegment() {
        assertTrue(patterns.matches("/api/orders/status"));
        assertFalse(patterns.matches("/api/a/b/status"));
    }

    @Test
    void regexCharactersAreLiteral() {
        assertTrue(patterns.matches("/v1.0/info"));
        assertFalse(patterns.matches("/v1x0/info"));
    }

    @Test
    void nullPathNeverMatches() {
        assertFalse(patterns.matches(null));
    }
}
