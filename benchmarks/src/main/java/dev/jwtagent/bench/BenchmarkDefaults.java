package dev.jwtagent.bench;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The run settings every benchmark here shares: 3 forks, each 3 warm-up and 3 measured iterations
 * of one second. JMH reads these annotations from a benchmark's super class; a class that needs
 * other fork arguments declares its own {@code @Fork}.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(3)
public abstract class BenchmarkDefaults {
}
