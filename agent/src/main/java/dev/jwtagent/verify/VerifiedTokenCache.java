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

    private final ConcurrentHashMap<Key, Entry> map = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final long maxChars;
    private final AtomicLong chars = new AtomicLong();
    private final AtomicInteger puts = new AtomicInteger();
    private final ReentrantLock evicting = new ReentrantLock();
    /** Bumped by {@link #clear} (keys were removed): a verification begun before it is not cached after it. */
    private final AtomicInteger generation = new AtomicInteger();

    VerifiedTokenCache(int maxEntries, long maxChars) {
        this.maxEntries = maxEntries;
        this.maxChars = maxChars;
    }

    /** A cached verdict; the caller re-checks the time-dependent claims. */
    static final class Entry {
        final VerifiedToken token;
        /** After this instant the token is expired even with clock skew: the entry is useless. */
        final Instant deadAfter;
        /** {@link #deadAfter} in epoch milliseconds, for the check on every hit. */
        final long deadAfterMillis;

        Entry(VerifiedToken token, Instant deadAfter) {
            this.token = token;
            this.deadAfter = deadAfter;
            this.deadAfterMillis = deadAfter.toEpochMilli();
        }
    }

    /**
     * Map key hashing only the tail of the token: the signature segment is high-entropy, and
     * hashing a whole fresh header string on every lookup costs a microsecond for large tokens.
     * Only verified tokens are stored, so nobody can fill a bucket with chosen collisions.
     */
    private static final class Key {
        private static final int HASHED_TAIL = 48;
        final String token;
        private final int hash;

        Key(String token) {
            this.token = token;
            int h = token.length();
            for (int i = Math.max(0, token.length() - HASHED_TAIL); i < token.length(); i++) {
                h = 31 * h + token.charAt(i);
            }
            this.hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && ((Key) o).token.equals(token);
        }
    }

    Entry get(String token) {
        return map.get(new Key(token));
    }

    /** Read before a verification reads its keys, and handed to {@link #put}. */
    int generation() {
        return generation.get();
    }

    /**
     * Caches {@code token} unless a bound stops it or the cache was cleared since
     * {@code verifiedInGeneration} (the keys it was checked with may be gone). While an entry is in
     * the map its token is marked {@link VerifiedToken#isHeldBy held} by this cache, and unmarked
     * when it leaves (expired, evicted, or cleared because keys were removed), so a caller holding
     * the token can tell without a lookup.
     */
    void put(VerifiedToken token, Instant deadAfter, Instant now, int verifiedInGeneration) {
        if (generation.get() != verifiedInGeneration) {
            return;
        }
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
        // Marked before it can be found, so that an entry removed at once is left unmarked.
        token.heldBy(this);
        Key key = new Key(token.token());
        Entry entry = new Entry(token, deadAfter);
        if (map.putIfAbsent(key, entry) == null) {
            chars.addAndGet(length);
            if (generation.get() != verifiedInGeneration) {
                // Cleared while this was being put: whether or not the clear saw the entry, it goes.
                if (map.remove(key, entry)) {
                    chars.addAndGet(-length);
                }
                token.heldBy(null);
            }
        } else {
            // The same token string is cached already, with another verification: that one counts.
            token.heldBy(null);
        }
    }

    void remove(String token) {
        Entry removed = map.remove(new Key(token));
        if (removed != null) {
            removed.token.heldBy(null);
            chars.addAndGet(-token.length());
        }
    }

    void clear() {
        generation.incrementAndGet();
        for (Key key : map.keySet()) {
            remove(key.token);
        }
    }

    int size() {
        return map.size();
    }

    private void evict(Instant now, int incoming) {
        for (Iterator<Map.Entry<Key, Entry>> it = map.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Entry> e = it.next();
            if (!now.isBefore(e.getValue().deadAfter) && map.remove(e.getKey(), e.getValue())) {
                e.getValue().token.heldBy(null);
                chars.addAndGet(-e.getKey().token.length());
            }
        }
        if (map.size() < maxEntries && chars.get() + incoming <= maxChars) {
            return;
        }
        int toDrop = Math.max(1, map.size() / 8);
        for (Iterator<Map.Entry<Key, Entry>> it = map.entrySet().iterator(); it.hasNext() && toDrop > 0; ) {
            Map.Entry<Key, Entry> e = it.next();
            if (map.remove(e.getKey(), e.getValue())) {
                e.getValue().token.heldBy(null);
                chars.addAndGet(-e.getKey().token.length());
                toDrop--;
            }
        }
    }
}
