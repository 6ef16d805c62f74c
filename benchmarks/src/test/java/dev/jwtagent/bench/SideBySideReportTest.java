package dev.jwtagent.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SideBySideReportTest {
    private static final String HEADER = "window\tarm\tseconds\trequests\tcpu_seconds\tnon2xx\n";

    private static String row(int window, String arm, long requests, double cpuSeconds) {
        return window + "\t" + arm + "\t10\t" + requests + "\t" + cpuSeconds + "\t0\n";
    }

    private static String report(Path dir, String windows) throws Exception {
        Files.writeString(dir.resolve("windows.tsv"), windows);
        Files.writeString(dir.resolve("header.md"), "## test\n");
        SideBySideReport.main(new String[] {dir.resolve("windows.tsv").toString(), dir.resolve("header.md").toString(),
                dir.resolve("out.md").toString()});
        return Files.readString(dir.resolve("out.md"));
    }

    @Test
    void eachArmIsComparedWithItsBaselineInTheSameWindow(@TempDir Path dir) throws Exception {
        // Window 2 ran on a machine half as fast for every arm. Window by window, hs256 spends 33, 62 and 32 us of CPU per
        // request where none spends 30, 60 and 31: 0.909, 0.968 and 0.969, median 0.968. The medians of the arms'
        // own figures (33 against 31) would say 0.939. rs256 spends 35 us where none-rs256 spends 33 in every window.
        String windows = HEADER
                + row(1, "none", 100_000, 3.0) + row(1, "none-rs256", 100_000, 3.3) + row(1, "hs256", 100_000, 3.3) + row(1, "rs256", 100_000, 3.5)
                + row(2, "none", 50_000, 3.0) + row(2, "none-rs256", 50_000, 3.3) + row(2, "hs256", 50_000, 3.1) + row(2, "rs256", 50_000, 3.5)
                + row(3, "none", 100_000, 3.1) + row(3, "none-rs256", 100_000, 3.3) + row(3, "hs256", 100_000, 3.2) + row(3, "rs256", 100_000, 3.5);
        String report = report(dir, windows);
        assertTrue(report.startsWith("## test\n"), report);
        assertTrue(report.contains("| hs256 | none | 3 | 10000 [5000, 10000] | 33.00 [32.00, 62.00] | 0.968 [0.909, 0.969] | 1.000 [1.000, 1.000] | 0 |"),
                report);
        assertTrue(report.contains("| rs256 | none-rs256 | 3 | 10000 [5000, 10000] | 35.00 [35.00, 70.00] | 0.943 [0.943, 0.943] |"),
                "rs256 is paired with none-rs256: " + report);
        assertTrue(report.contains("| none | – | 3 |"), report);
    }

    @Test
    void aWindowWithoutRequestsOnEitherSideIsLeftOutOfThePairs(@TempDir Path dir) throws Exception {
        // In window 2 the baseline answered nothing (its wrk failed): only window 1 pairs, at 30 / 40 = 0.75, and the
        // baseline's CPU per request is that of window 1 alone.
        String windows = HEADER
                + row(1, "none", 100_000, 3.0) + row(1, "hs256", 100_000, 4.0)
                + row(2, "none", 0, 3.0) + row(2, "hs256", 100_000, 3.0);
        String report = report(dir, windows);
        assertTrue(report.contains("| 0.750 [0.750, 0.750] |"), report);
        assertTrue(report.contains("| none | – | 2 | 5000 [0, 10000] | 30.00 [30.00, 30.00] |"), report);
        assertFalse(report.contains("NaN"), report);
    }

    @Test
    void eachLaunchGetsItsOwnRatioBesideThePooledOne(@TempDir Path dir) throws Exception {
        // Launch 1: hs256 spends 33, 34 and 32 us where none spends 30 (0.909, 0.882, 0.938: median 0.909). Launch 2,
        // new processes: 31 against 30 in both windows (0.968). Pooled over the five windows: 0.909, 0.882, 0.938, 0.968,
        // 0.968, median 0.938.
        String header = "launch\t" + HEADER;
        String windows = header
                + "1\t" + row(1, "none", 100_000, 3.0) + "1\t" + row(1, "hs256", 100_000, 3.3)
                + "1\t" + row(2, "none", 100_000, 3.0) + "1\t" + row(2, "hs256", 100_000, 3.4)
                + "1\t" + row(3, "none", 100_000, 3.0) + "1\t" + row(3, "hs256", 100_000, 3.2)
                + "2\t" + row(4, "none", 100_000, 3.0) + "2\t" + row(4, "hs256", 100_000, 3.1)
                + "2\t" + row(5, "hs256", 100_000, 3.1) + "2\t" + row(5, "none", 100_000, 3.0);
        String report = report(dir, windows);
        assertTrue(report.contains("| hs256 | none | 5 | 10000 [10000, 10000] | 32.00 [31.00, 33.00] | 0.938 [0.909, 0.968] | 1.000 [1.000, 1.000] | 0 | 0.909 / 0.968 |"),
                report);
        assertTrue(report.lines().anyMatch(l -> l.startsWith("| none | – | 5 |") && l.endsWith(" | 0 | – |")), "the baseline has no ratio: " + report);
    }

    @Test
    void aWindowNumberRepeatedForAnArmIsRefused(@TempDir Path dir) {
        String windows = "launch\t" + HEADER + "1\t" + row(1, "none", 100_000, 3.0) + "2\t" + row(1, "none", 100_000, 3.1);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> report(dir, windows));
        assertTrue(refused.getMessage().contains("window 1 of arm none appears twice"), refused.getMessage());
    }

    @Test
    void aFileWithoutLaunchesIsOneLaunch(@TempDir Path dir) throws Exception {
        String windows = HEADER + row(1, "none", 100_000, 3.0) + row(1, "hs256", 100_000, 4.0);
        assertTrue(report(dir, windows).contains("| 0.750 [0.750, 0.750] | 1.000 [1.000, 1.000] | 0 | 0.750 |"));
    }

    @Test
    void anArmSentTheRs256TokenFallsBackToTheNoAgentArmWhenItsOwnBaselineDidNotRunAndNoBaselineMeansNone() {
        Map<String, Object> arms = new LinkedHashMap<>();
        arms.put("rs256", 1);
        arms.put("hs256", 1);
        assertNull(SideBySideReport.baselineOf("hs256", arms), "no baseline ran");
        arms.put("none", 1);
        assertEquals("none", SideBySideReport.baselineOf("rs256", arms));
        arms.put("none-rs256", 1);
        assertEquals("none-rs256", SideBySideReport.baselineOf("rs256", arms));
        assertNull(SideBySideReport.baselineOf("none-rs256", arms));
    }
}
