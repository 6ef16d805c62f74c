package dev.jwtagent.inbound;

import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Around;
import dev.jwtagent.instrument.Rules;

/**
 * Captures and verifies the bearer token at the outermost {@code jakarta.servlet} filter or servlet
 * call of a request, answers 401/400 itself when the agent refuses it, and scopes the token to
 * that call: {@code dev.jwtagent.bootstrap.ServletHooks} runs around {@code service} and
 * {@code doFilter} (the same hooks as {@link JavaxServletInstrumentation}'s).
 */
public final class JakartaServletInstrumentation implements AgentInstrumentation {
    @Override
    public String name() {
        return "servlet-jakarta";
    }

    @Override
    public boolean admitsRequests() {
        return true;
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        return rules
                .type(ServletMatchers.servletsAndFilters("jakarta.servlet"))
                .transform(Around.servletEntry(ServletMatchers.entryMethods("jakarta.servlet")));
    }
}
