package dev.jwtagent.inbound;

import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Around;
import dev.jwtagent.instrument.Rules;

/**
 * Captures and verifies the bearer token at the outermost {@code javax.servlet} filter or servlet
 * call of a request, answers 401/400 itself when the agent refuses it, and scopes the token to
 * that call: {@code dev.jwtagent.bootstrap.ServletHooks} runs around {@code service} and
 * {@code doFilter} (the same hooks as {@link JakartaServletInstrumentation}'s).
 */
public final class JavaxServletInstrumentation implements AgentInstrumentation {
    @Override
    public String name() {
        return "servlet-javax";
    }

    @Override
    public boolean admitsRequests() {
        return true;
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        return rules
                .type(ServletMatchers.servletsAndFilters("javax.servlet"))
                .transform(Around.servletEntry(ServletMatchers.entryMethods("javax.servlet")));
    }
}
