package dev.jwtagent.verify;

import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tokens that passed verification, keyed by the exact token string, so a repeated token skips the
 * signature check (ECDSA costs tens of microseconds). Bounded by entry count and by total token
 * characters. Eviction is approximate and cheap: when a bound is reached one thread drops expired
 * entries and, if still over, an arbitrary eighth of the map; other threads meanwhile simply do not
 * cache. Only successes are cached; entries are dropped once they can no longer be valid.
 */
final class VerifiedTokenCache {
    static final int DEFAULT_MAX_ENTRIES = 10_000;
    static final long DEFAULT_MAX_CHARS = 8L * 1024 * 1024;
    private static final int SWEEP_EVERY_PUTS = 4096;

    private final ConcurrentHashMap<String, Entry> map = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final long maxChars;
    private final AtomicLong chars = new AtomicLong();
    private final AtomicInteger puts = new AtomicInteger();
    private final ReentrantLock evicting = new ReentrantLock();

    VerifiedTokenCache(int maxEntries, long maxChars) {
        this.maxEntries = maxEntries;
        this.maxChars = maxChars;
    }

    /** A cached verdict; the caller re-checks the time-dependent claims. */
    static final class Entry {
        final VerifiedToken token;
        /** After this instant the token is expired even with clock skew: the entry is useless. */
        final Instant deadAfter;

        Entry(VerifiedToken token, Instant deadAfter) {
            this.token = token;
            this.deadAfter = deadAfter;
        }
    }

    Entry get(String token) {
        return map.get(token);
    }

    void put(VerifiedToken token, Instant deadAfter, Instant now) {
        int length = token.token().length();
        if (puts.incrementAndGet() % SWEEP_EVERY_PUTS == 0 || map.size() >= maxEntries
                || chars.get() + length > maxChars) {
            if (!evicting.tryLock()) {
                return;
            }
            try {
                evict(now, length);
            } finally {
                evicting.unlock();
            }
            if (map.size() >= maxEntries || chars.get() + length > maxChars) {
                return;
            }
        }
        if (map.putIfAbsent(token.token(), new Entry(token, deadAfter)) == null) {
            chars.addAndGet(length);
        }
    }

    void remove(String token) {
        if (map.remove(token) != null) {
            chars.addAndGet(-token.length());
        }
    }

    void clear() {
        for (String token : map.keySet()) {
            remove(token);
        }
    }

    int size() {
        return map.size();
    }

    private void evict(Instant now, int incoming) {
        for (Iterator<Map.Entry<String, Entry>> it = map.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entry> e = it.next();
            if (!now.isBefore(e.getValue().deadAfter) && map.remove(e.getKey(), e.getValue())) {
                chars.addAndGet(-e.getKey().length());
            }
        }
        if (map.size() < maxEntries && chars.get() + incoming <= maxChars) {
            return;
        }
        int toDrop = Math.max(1, map.size() / 8);
        for (Iterator<Map.Entry<String, Entry>> it = map.entrySet().iterator(); it.hasNext() && toDrop > 0; ) {
            Map.Entry<String, Entry> e = it.next();
            if (map.remove(e.getKey(), e.getValue())) {
                chars.addAndGet(-e.getKey().length());
                toDrop--;
            }
        }
    }
}
