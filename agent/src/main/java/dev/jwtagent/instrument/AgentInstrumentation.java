package dev.jwtagent.instrument;

import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * One instrumentation: a library's classes and the advice applied to them. Each can be switched
 * off with {@code jwt.agent.instrumentation.<name>.enabled=false}.
 */
public interface AgentInstrumentation {

    /** The name used in the switch and in the startup line, e.g. {@code servlet-jakarta}. */
    String name();

    /** Adds this instrumentation's type matchers and transformers to the builder. */
    AgentBuilder install(AgentBuilder builder, AdviceSupport support);
}
