package dev.jwtagent.bench;

import dev.jwtagent.BenchHooks;
import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.TokenCarrier;
import dev.jwtagent.metrics.AgentMetrics;
import dev.jwtagent.outbound.AllowedHosts;
import dev.jwtagent.outbound.OutboundPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Propagation of the current token to one outbound request with {@code allowed-hosts=internal}:
 * the policy decision plus the header value, and the same through the bridge that advice calls
 * (carrier lookup, hooks, metrics). The baseline builds the header value alone. Hosts: a
 * single-label name and a cluster name (allowed), and a public name (not allowed: every rule of
 * {@code internal} is tried).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class OutboundBenchmark extends BenchmarkDefaults {
    @Param({"orders", "orders.shop.svc.cluster.local", "api.partner.example"})
    public String host;

    private OutboundPolicy policy;
    private CarriedToken token;
    private CarriedToken previous;

    @Setup
    public void setUp() throws Exception {
        TokenFixture fixture = new TokenFixture("HS256");
        token = new CarriedToken(fixture.token, System.currentTimeMillis() + 3_600_000, "sha256:000000000000");
        policy = new OutboundPolicy(AllowedHosts.parse(List.of("internal")), "Authorization", System::currentTimeMillis);
        BenchHooks.install(null, policy, new AgentMetrics());
        previous = TokenCarrier.swap(token);
    }

    @TearDown
    public void tearDown() {
        TokenCarrier.restore(previous);
    }

    @Benchmark
    public String baselineHeaderValue() {
        return "Bearer " + token.value();
    }

    @Benchmark
    public String policyDecideAndHeader() {
        return policy.decide(token, "http", host, 8080, false) == OutboundPolicy.Outcome.PROPAGATE
                ? policy.headerValue(token) : null;
    }

    @Benchmark
    public String bridgeOutboundValue() {
        return AgentBridge.outboundValue("http", host, 8080, false);
    }
}
