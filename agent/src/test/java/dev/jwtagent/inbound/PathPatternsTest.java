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
        assertFalse(patterns.matches("/health/"), "a trailing slash is another path (README)");
    }

    @Test
    void doubleStarCoversTheDirectoryAndEverythingBelow() {
        assertTrue(patterns.matches("/actuator"));
        assertTrue(patterns.matches("/actuator/health/liveness"));
        assertFalse(patterns.matches("/actuatorx"));
    }

    @Test
    void doubleStarAsAMiddleSegmentCoversZeroOrMoreSegments() {
        // Before, "/public/**/docs" did not cover "/public/docs", unlike the Ant and Spring patterns it is written as.
        PathPatterns middle = PathPatterns.parse(List.of("/public/**/docs", "/**/ping"));
        assertTrue(middle.matches("/public/docs"));
        assertTrue(middle.matches("/public/v1/docs"));
        assertTrue(middle.matches("/public/v1/en/docs"));
        assertFalse(middle.matches("/public/docsx"));
        assertFalse(middle.matches("/publicx/docs"));
        assertFalse(middle.matches("/public/docs/private"));
        assertTrue(middle.matches("/ping"));
        assertTrue(middle.matches("/a/b/ping"));
        assertFalse(middle.matches("/aping"));
    }

    @Test
    void doubleStarWithinASegmentStaysWithinIt() {
        PathPatterns within = PathPatterns.parse(List.of("/**.html", "/docs/v**", "/a/b**c/d"));
        assertTrue(within.matches("/index.html"));
        assertFalse(within.matches("/orders/1.html"));
        assertTrue(within.matches("/docs/v2"));
        assertTrue(within.matches("/docs/v"));
        assertFalse(within.matches("/docs/v2/private"));
        assertTrue(within.matches("/a/bxc/d"));
        assertFalse(within.matches("/a/bx/yc/d"));
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

    @Test
    void aPathNotInNormalFormIsNeverCovered() {
        // Undertow hands the servlet the path as sent: /public/** must not cover /public/../orders.
        PathPatterns prefix = PathPatterns.parse(List.of("/public/**", "/health", "/**/ping"));
        for (String path : new String[] {"/public/../orders", "/public/..", "/public/./x", "/public/x/../../orders", "/public//../orders",
            "/public/x/..;/../orders", "/public/..%2Forders", "/public/..\\orders", "/health;x=1", "/public//x", "/./health",
            "/public/a/../ping", "/health%00"}) {
            assertFalse(prefix.matches(path), path);
        }
        assertTrue(prefix.matches("/public/"));
        assertTrue(prefix.matches("/public/x/"));
        assertTrue(prefix.matches("/public/.well-known/x"));
        assertTrue(prefix.matches("/public/a..b/..c"));
        assertTrue(prefix.matches("/health"));
        assertTrue(prefix.matches("/a/ping"));
    }
}
