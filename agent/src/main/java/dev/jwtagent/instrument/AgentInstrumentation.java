package dev.jwtagent.instrument;

/**
 * One instrumentation: a library's classes and what is applied to them (argument wraps, arounds,
 * advice). Each can be switched off with {@code jwt.agent.instrumentation.<name>.enabled=false}.
 */
public interface AgentInstrumentation {

    /** The name used in the switch and in the startup line, e.g. {@code servlet-jakarta}. */
    String name();

    /**
     * Whether this instrumentation sees inbound requests. Classes loaded before the agent (on attach,
     * the application's servlets) are retransformed at startup for these only. Every other
     * instrumentation acts on a token, and there is none before the first inbound request with a
     * verified token: its already loaded classes (the JDK's {@code Thread}, and whatever else was
     * loaded before the agent) are retransformed when that request arrives, before its token
     * becomes current.
     */
    default boolean admitsRequests() {
        return false;
    }

    /** Adds this instrumentation's type matches, and what is applied to each, to the rules. */
    Rules install(Rules rules, AdviceSupport support);
}
