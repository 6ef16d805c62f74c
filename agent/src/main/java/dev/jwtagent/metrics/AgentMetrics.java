package dev.jwtagent.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Counters of what the agent did. Names are fixed words (never a token, host or subject):
 * {@code verified}, {@code missing}, {@code propagated}, {@code rejected.<reason>},
 * {@code skipped.<reason>}, and gauges such as {@code key_fetches}.
 */
public final class AgentMetrics {
    private final ConcurrentMap<String, LongAdder> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, LongSupplier> gauges = new ConcurrentHashMap<>();

    public void increment(String name) {
        counter(name).increment();
    }

    /** The counter {@code name}, made at the first call: for a caller that counts on every request. */
    public LongAdder counter(String name) {
        LongAdder adder = counters.get(name);
        if (adder == null) {
            LongAdder created = new LongAdder();
            adder = counters.putIfAbsent(name, created);
            return adder == null ? created : adder;
        }
        return adder;
    }

    public void gauge(String name, LongSupplier value) {
        gauges.put(name, value);
    }

    public long get(String name) {
        LongSupplier gauge = gauges.get(name);
        if (gauge != null) {
            return gauge.getAsLong();
        }
        LongAdder adder = counters.get(name);
        return adder == null ? 0 : adder.sum();
    }

    /** Whether {@code name} is a gauge or has been counted. */
    public boolean has(String name) {
        return gauges.containsKey(name) || counters.containsKey(name);
    }

    /** A sorted snapshot of every counter and gauge. */
    public Map<String, Long> snapshot() {
        Map<String, Long> all = new TreeMap<>();
        for (Map.Entry<String, LongAdder> counter : counters.entrySet()) {
            all.put(counter.getKey(), counter.getValue().sum());
        }
        for (Map.Entry<String, LongSupplier> gauge : gauges.entrySet()) {
            all.put(gauge.getKey(), gauge.getValue().getAsLong());
        }
        return all;
    }
}
