package dev.jwtagent.config;

import java.time.Duration;

/** Parses {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h} or plain seconds. */
public final class Durations {
    private static final int MAX_DIGITS = 9;
    /** Longer than any setting needs, and short enough that no use of it overflows in nanoseconds. */
    private static final Duration MAX = Duration.ofDays(30);

    private Durations() {
    }

    public static Duration parse(String key, String text) {
        String t = text.trim();
        int digits = 0;
        while (digits < t.length() && t.charAt(digits) >= '0' && t.charAt(digits) <= '9') {
            digits++;
        }
        String unit = t.substring(digits);
        if (digits == 0 || digits > MAX_DIGITS || !(unit.isEmpty() || unit.equals("ms") || unit.equals("s") || unit.equals("m") || unit.equals("h"))) {
            throw new ConfigException(key, "'" + text + "' is not a duration (use 500ms, 30s, 10m, 1h or plain seconds)");
        }
        long amount = Long.parseLong(t.substring(0, digits));
        Duration duration;
        switch (unit) {
            case "ms": duration = Duration.ofMillis(amount); break;
            case "m": duration = Duration.ofMinutes(amount); break;
            case "h": duration = Duration.ofHours(amount); break;
            default: duration = Duration.ofSeconds(amount);
        }
        if (duration.compareTo(MAX) > 0) {
            throw new ConfigException(key, "'" + text + "' is longer than 30 days");
        }
        return duration;
    }
}
