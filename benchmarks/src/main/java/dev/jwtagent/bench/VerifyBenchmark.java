package dev.jwtagent.bench;

import dev.jwtagent.verify.BenchVerifiers;
import dev.jwtagent.verify.KeyedVerifier;
import dev.jwtagent.verify.TokenVerifiers;
import dev.jwtagent.verify.VerifiedToken;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

/**
 * Verification of one token per call: a full verification (the verifier has no cache, so every
 * call is a miss), a cache hit, and beside them the bare JCA signature check of the same token.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class VerifyBenchmark extends BenchmarkDefaults {
    @Param({"HS256", "RS256", "ES256"})
    public String alg;

    private TokenFixture fixture;
    private KeyedVerifier cached;
    private KeyedVerifier uncached;

    @Setup
    public void setUp() throws Exception {
        fixture = new TokenFixture(alg);
        cached = TokenVerifiers.create(fixture.settings);
        uncached = BenchVerifiers.withoutCache(fixture.settings);
        // Fail fast on a fixture that the verifier would reject: every arm must measure success.
        cached.verify(fixture.token);
        uncached.verify(fixture.token);
        if (!fixture.jcaCheck()) {
            throw new IllegalStateException("JCA rejects the fixture token");
        }
    }

    @TearDown
    public void tearDown() {
        cached.close();
        uncached.close();
    }

    @Benchmark
    public boolean baselineJcaSignature() throws Exception {
        return fixture.jcaCheck();
    }

    @Benchmark
    public VerifiedToken cacheMiss() throws Exception {
        return uncached.verify(fixture.token);
    }

    @Benchmark
    public VerifiedToken cacheHit() throws Exception {
        return cached.verify(fixture.token);
    }
}
