package dev.jwtagent.bench;

/**
 * The agent jar that the executor benchmarks' agent arms attach with {@code -javaagent}. JMH reads
 * {@code @Fork} arguments at compile time, so the path is filled in by the build from the Maven
 * property {@code jwtagent.jar} (by default the agent module's own jar).
 */
final class AgentJar {
    static final String PATH = "${jwtagent.jar}";

    private AgentJar() {
    }
}
