package dev.jwtagent.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PooledRunsTest {
    private static final String SLICES = "round\tslice\tarm\trps\tp99_ms\tnon2xx\tcpu_us_per_req";
    private static final String STARTS = "round\tlaunch\tarm\tfirst_answer_ms\tagent_start_ms";

    private static String slice(int round, String arm, double rps) {
        return round + "\t1\t" + arm + "\t" + rps + "\t2.0\t0\t" + (30_000 / rps);
    }

    private static String start(int round, String arm, int firstAnswer) {
        return round + "\t1\t" + arm + "\t" + firstAnswer + "\t-";
    }

    @Test
    void pairsStayWithinTheirRunAndAreCountedTogether() {
        // Run a ran on a fast machine, run b on a slow one; within each run hs256 is 0.96 and 0.98 of none.
        // Paired across runs (round 1 of a with round 1 of b) the ratios would be 0.48 and 1.96.
        List<String> slices = new ArrayList<>();
        PooledRuns.append(slices, List.of(SLICES, slice(1, "none", 2000), slice(1, "hs256", 1920)), "a");
        PooledRuns.append(slices, List.of(SLICES, slice(1, "none", 1000), slice(1, "hs256", 980)), "b");
        List<String> starts = new ArrayList<>();
        PooledRuns.append(starts, List.of(STARTS, start(1, "none", 2000), start(1, "hs256", 2300)), "a");
        PooledRuns.append(starts, List.of(STARTS, start(1, "none", 3000), start(1, "hs256", 3100)), "b");

        String report = PooledRuns.report(List.of("a", "b"), slices, starts);

        assertTrue(report.contains("| hs256 | 2 | 0.970 [0.960, 0.980] |"), report);
        assertTrue(report.contains("| hs256 | 2 | +200 [+100, +300] |"), report);
        assertTrue(report.contains("Runs pooled: a, b."), report);
    }

    @Test
    void runsWithOtherColumnsAreRefused() {
        List<String> slices = new ArrayList<>();
        PooledRuns.append(slices, List.of(SLICES, slice(1, "none", 2000)), "a");
        assertThrows(IllegalArgumentException.class,
                () -> PooledRuns.append(slices, List.of("round\tarm\trps", "1\tnone\t1000"), "b"));
    }
}
