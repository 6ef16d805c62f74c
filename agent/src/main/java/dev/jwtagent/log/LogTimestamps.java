package dev.jwtagent.log;

import org.slf4j.simple.SimpleLogger;

import java.text.DateFormat;
import java.text.FieldPosition;
import java.text.ParsePosition;
import java.util.Date;

/**
 * Timestamps for the agent's log lines: ISO 8601 in UTC with milliseconds
 * ({@code 2026-11-28T21:08:28.862Z}). SLF4J simple would build a {@code SimpleDateFormat} for a
 * configured pattern, which loads the JDK's locale and calendar data: about 80 ms at startup. This
 * formatter is plain arithmetic and is handed to the (relocated) binding's configuration instead.
 */
final class LogTimestamps extends DateFormat {
    private static final long serialVersionUID = 1L;
    private static final long MILLIS_PER_DAY = 86_400_000L;

    /**
     * Makes the binding use this format. Without it (a binding whose fields changed), lines carry
     * milliseconds since the agent's logging started, which is SLF4J simple's own default.
     */
    static boolean install() {
        try {
            java.lang.reflect.Field configField = SimpleLogger.class.getDeclaredField("CONFIG_PARAMS");
            configField.setAccessible(true);
            Object config = configField.get(null);
            java.lang.reflect.Field formatter = config.getClass().getDeclaredField("dateFormatter");
            formatter.setAccessible(true);
            formatter.set(config, new LogTimestamps());
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /** {@code epochMillis} as {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC, for years 0 to 9999. */
    static String format(long epochMillis) {
        long days = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
        long millisOfDay = Math.floorMod(epochMillis, MILLIS_PER_DAY);
        // Civil date from days since 1970-01-01 (proleptic Gregorian), counted in 400-year eras
        // that start on 1 March, so that the leap day is the last day of its year.
        long shifted = days + 719_468;
        long era = Math.floorDiv(shifted, 146_097);
        long dayOfEra = shifted - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long monthFromMarch = (5 * dayOfYear + 2) / 153;
        long day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1;
        long month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

        StringBuilder text = new StringBuilder(24);
        pad(text, year, 4).append('-');
        pad(text, month, 2).append('-');
        pad(text, day, 2).append('T');
        pad(text, millisOfDay / 3_600_000, 2).append(':');
        pad(text, millisOfDay / 60_000 % 60, 2).append(':');
        pad(text, millisOfDay / 1_000 % 60, 2).append('.');
        pad(text, millisOfDay % 1_000, 3).append('Z');
        return text.toString();
    }

    private static StringBuilder pad(StringBuilder text, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            text.append('0');
        }
        return text.append(digits);
    }

    @Override
    public StringBuffer format(Date date, StringBuffer toAppendTo, FieldPosition fieldPosition) {
        return toAppendTo.append(format(date.getTime()));
    }

    @Override
    public Date parse(String source, ParsePosition pos) {
        throw new UnsupportedOperationException("log timestamps are written, never parsed");
    }
}
