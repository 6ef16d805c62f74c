package dev.jwtagent.bootstrap;

import java.util.Enumeration;

/**
 * Hooks for a test of the outbound side alone: every request proceeds without a token, nothing is
 * added unless the test says what, and an internal fault fails the test. A test overrides what it
 * looks at (the value to add, the expiry clock, the counts).
 */
abstract class OutboundOnlyHooks implements BridgeHooks {
    @Override
    public InboundDecision decideInbound(Enumeration<String> values, String servletPath, String pathInfo, String query) {
        return InboundDecision.PROCEED_WITHOUT_TOKEN;
    }

    @Override
    public String outboundValue(String scheme, String host, int port, boolean headerAlreadySet) {
        return null;
    }

    @Override
    public void internalFault(String where, Throwable fault) {
        throw new AssertionError(where, fault);
    }
}
