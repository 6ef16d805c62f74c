package dev.jwtagent.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's own logging: a relocated SLF4J simple binding writing to standard error, never
 * the application's logging. Messages never carry a token; name one by its fingerprint.
 */
public final class AgentLog {
    private static final long RATE_LIMIT_NANOS = 60_000_000_000L;
    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();
    private static final ConcurrentMap<String, AtomicLong> LAST_LOGGED = new ConcurrentHashMap<>();

    private AgentLog() {
    }

    /**
     * Must run before the first logger is created. The property names below are relocated with
     * the binding, so they never touch an application's own SLF4J simple settings.
     */
    public static void configure(String level) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "true");
    }

    public static Logger logger(String area) {
        return LoggerFactory.getLogger("jwt-agent." + area);
    }

    /** True the first time it is asked for {@code key}: for faults logged once with their stack trace. */
    public static boolean firstTime(String key) {
        return ONCE.add(key);
    }

    /** True at most once a minute per {@code key}: for events a client can repeat at will. */
    public static boolean rateLimited(String key) {
        long now = System.nanoTime();
        AtomicLong last = LAST_LOGGED.computeIfAbsent(key, k -> new AtomicLong(now - RATE_LIMIT_NANOS));
        long previous = last.get();
        return now - previous >= RATE_LIMIT_NANOS && last.compareAndSet(previous, now);
    }
}
