package dev.jwtagent.log;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogTimestampsTest {
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void formatsAsTheJdkDoesInUtc() {
        SplittableRandom random = new SplittableRandom(7);
        long year10000 = 253_402_300_800_000L;
        for (int i = 0; i < 200_000; i++) {
            long millis = random.nextLong(-62_167_219_200_000L, year10000);
            assertEquals(ISO_MILLIS.format(Instant.ofEpochMilli(millis)), LogTimestamps.format(millis), "at " + millis);
        }
    }

    @Test
    void formatsLeapDaysAndYearEnds() {
        for (String instant : new String[] {"2024-02-29T23:59:59.999Z", "2000-02-29T00:00:00.000Z", "1900-03-01T00:00:00.000Z",
                "1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00.000Z", "2026-12-31T12:00:00.001Z"}) {
            assertEquals(instant, LogTimestamps.format(Instant.parse(instant).toEpochMilli()));
        }
    }

    @Test
    void agentLogLinesStartWithTheTimestamp() {
        AgentLog.configure("info");
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        long before = System.currentTimeMillis();
        try {
            AgentLog.logger("timestamps").info("a line");
        } finally {
            System.setErr(original);
        }
        String line = buffer.toString(StandardCharsets.UTF_8).trim();
        assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO jwt-agent\\.timestamps - a line"), line);
        long logged = Instant.parse(line.substring(0, line.indexOf(' '))).toEpochMilli();
        assertTrue(logged >= before && logged <= System.currentTimeMillis() + 1, line);
    }
}
