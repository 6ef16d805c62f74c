package dev.jwtagent.bench;

import dev.jwtagent.bootstrap.InboundDecision;
import dev.jwtagent.inbound.BenchBearer;
import dev.jwtagent.inbound.InboundPolicy;
import dev.jwtagent.inbound.PathPatterns;
import dev.jwtagent.metrics.AgentMetrics;
import dev.jwtagent.verify.Fingerprint;
import dev.jwtagent.verify.KeyedVerifier;
import dev.jwtagent.verify.TokenVerifiers;
import dev.jwtagent.verify.VerifiedToken;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The whole inbound decision for a request with a repeated valid HS256 token (header parsing,
 * exclusion and query checks, cache hit, metrics, the carried token), beside the bare cached
 * verify it wraps. What the servlet advice adds on top is request attribute calls. Two of the
 * decision's own steps are measured apart: parsing the header and the token's fingerprint.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class InboundBenchmark extends BenchmarkDefaults {
    private TokenFixture fixture;
    private KeyedVerifier verifier;
    private InboundPolicy policy;
    private List<String> header;

    @Setup
    public void setUp() throws Exception {
        fixture = new TokenFixture("HS256");
        verifier = TokenVerifiers.create(fixture.settings);
        policy = new InboundPolicy(verifier, true, false, PathPatterns.parse(List.of("/health", "/actuator/**")),
                "Authorization", 8192, new AgentMetrics());
        header = List.of("Bearer " + fixture.token);
        if (policy.decide(Collections.enumeration(header), "/orders", "/42", null).token() == null) {
            throw new IllegalStateException("the fixture token is not accepted");
        }
    }

    @TearDown
    public void tearDown() {
        verifier.close();
    }

    @Benchmark
    public VerifiedToken baselineVerifyCacheHit() throws Exception {
        return verifier.verify(fixture.token);
    }

    @Benchmark
    public InboundDecision decideCacheHit() {
        return policy.decide(Collections.enumeration(header), "/orders", "/42", null);
    }

    /** A token not verified before: each of its characters is checked. */
    @Benchmark
    public String partHeaderParseFirstSight() {
        return BenchBearer.checkedToken(header.get(0));
    }

    /** The repeated token: only found in the header (the cache lookup instead of the character check is in the decision). */
    @Benchmark
    public String partHeaderParseVerifiedBefore() {
        return BenchBearer.token(header.get(0));
    }

    @Benchmark
    public String partFingerprint() {
        return Fingerprint.of(fixture.token);
    }
}
