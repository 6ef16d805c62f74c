package dev.jwtagent.instrument;

import org.slf4j.Logger;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transformer's own time, kept at debug level only and logged once, at the first request: how
 * much of a service's start the agent spent looking at the classes the JVM loaded, and rewriting
 * the ones its rules match. Rewriting copies a class's constant pool, in a JVM that still
 * interprets that code: a large class the agent rewrites shows here.
 */
final class TransformerTime implements Runnable {
    private final AtomicLong lookingNanos = new AtomicLong();
    private final AtomicLong rewritingNanos = new AtomicLong();
    private final AtomicInteger looked = new AtomicInteger();
    private final AtomicInteger rewritten = new AtomicInteger();
    private final Logger log;

    TransformerTime(Logger log) {
        this.log = log;
    }

    /** One class handed to the transformer: the time it took there, and whether it was rewritten. */
    void add(long nanos, boolean rewrote) {
        looked.incrementAndGet();
        lookingNanos.addAndGet(nanos);
        if (rewrote) {
            rewritten.incrementAndGet();
            rewritingNanos.addAndGet(nanos);
        }
    }

    String summary() {
        return "the transformer looked at " + looked.get() + " classes in " + lookingNanos.get() / 1_000_000 + " ms, of which "
                + rewritten.get() + " rewritten in " + rewritingNanos.get() / 1_000_000 + " ms";
    }

    @Override
    public void run() {
        log.debug("until the first request {}", summary());
    }
}
