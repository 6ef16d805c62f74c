package dev.jwtagent;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.inbound.InboundPolicy;
import dev.jwtagent.metrics.AgentMetrics;
import dev.jwtagent.outbound.OutboundPolicy;

/**
 * Benchmark-only: installs the agent's real bridge hooks (with metrics) into {@link AgentBridge},
 * as the installer does, without instrumenting anything. Lives in the agent's package instead of
 * adding a hook to the agent itself.
 */
public final class BenchHooks {
    private BenchHooks() {
    }

    public static void install(InboundPolicy inbound, OutboundPolicy outbound, AgentMetrics metrics) {
        AgentBridge.install(new AgentHooks(inbound, outbound, metrics, () -> { }, () -> { }), "Authorization", "Authorization");
    }
}
