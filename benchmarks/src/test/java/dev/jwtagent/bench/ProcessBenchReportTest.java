package dev.jwtagent.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessBenchReportTest {
    private static final String HEADER = "round\tarm\tfirst_answer_ms\tagent_start_ms\trps\tcpu_us_per_req\tp99_ms\tnon2xx"
            + "\theap_load_mb\theap_10k_mb\tthreads_idle\tthreads_load\tagent_threads\n";

    private static String row(int round, String arm, int firstAnswer, double rps, double cpu) {
        return round + "\t" + arm + "\t" + firstAnswer + "\t-\t" + rps + "\t" + cpu + "\t2.0\t0\t8.0\t8.0\t40\t42\t-\n";
    }

    @Test
    void eachArmIsPairedWithItsBaselineOfTheSameRound(@TempDir Path dir) throws Exception {
        // Round 2 ran on a machine twice as slow for every arm: paired, the arm is 0.9 of its baseline in both rounds.
        String runs = HEADER
                + row(1, "none", 2000, 1000, 30) + row(1, "none-rs256", 2000, 900, 33) + row(1, "hs256", 2300, 900, 33) + row(1, "rs256", 2500, 810, 36)
                + row(2, "none", 2100, 500, 60) + row(2, "none-rs256", 2100, 450, 66) + row(2, "hs256", 2500, 450, 66) + row(2, "rs256", 2600, 405, 72);
        Files.writeString(dir.resolve("runs.tsv"), runs);
        Files.writeString(dir.resolve("header.md"), "## test\n");
        ProcessBenchReport.main(new String[] {dir.resolve("runs.tsv").toString(), dir.resolve("header.md").toString(),
                dir.resolve("out.md").toString()});
        String report = Files.readString(dir.resolve("out.md"));
        assertTrue(report.contains("| hs256 | 2 | 0.900 [0.900, 0.900] | 0.909 [0.909, 0.909] | +4.5 [+3.0, +6.0] | +350 [+300, +400] |"), report);
        assertTrue(report.contains("| rs256 | 2 | 0.900 [0.900, 0.900] |"), "rs256 is paired with none-rs256: " + report);
        assertTrue(report.contains("| hs256 | 2 | 2 | 2400 | +350 |"), "the table of medians per arm is still there: " + report);
    }

    @Test
    void everyTimedLaunchCountsForStartupAndIsPairedWithTheBaselineLaunchOfTheSameNumber(@TempDir Path dir) throws Exception {
        String runs = HEADER + row(1, "none", 2000, 1000, 30) + row(1, "hs256", 2300, 900, 33)
                + row(2, "none", 2000, 1000, 30) + row(2, "hs256", 2300, 900, 33);
        // Round 2 ran on a slower machine: hs256 is 200 ms behind none in every pair but one (launch 2 of round 1, +600),
        // while the medians of all launches mix the two speeds. One launch of none timed out (no figure): its pair is left out.
        String starts = "round\tlaunch\tarm\tfirst_answer_ms\tagent_start_ms\n"
                + "1\t1\tnone\t2000\t-\n1\t1\ths256\t2200\t50\n"
                + "1\t2\tnone\t2000\t-\n1\t2\ths256\t2600\t60\n"
                + "2\t1\tnone\t3000\t-\n2\t1\ths256\t3200\t70\n"
                + "2\t2\tnone\t3000\t-\n2\t2\ths256\t3200\t80\n"
                + "2\t3\tnone\t-\t-\n2\t3\ths256\t9999\t90\n";
        Files.writeString(dir.resolve("runs.tsv"), runs);
        Files.writeString(dir.resolve("slices.tsv"), "round\tslice\tarm\trps\tp99_ms\tnon2xx\tcpu_us_per_req\n");
        Files.writeString(dir.resolve("starts.tsv"), starts);
        Files.writeString(dir.resolve("header.md"), "## test\n");
        ProcessBenchReport.main(new String[] {dir.resolve("runs.tsv").toString(), dir.resolve("header.md").toString(),
                dir.resolve("out.md").toString(), dir.resolve("slices.tsv").toString(), dir.resolve("starts.tsv").toString()});
        String report = Files.readString(dir.resolve("out.md"));
        // Medians over every launch: none 2500 of 4, hs256 3200 of 5 (its fifth launch has no pair but counts here), agent start 70.
        assertTrue(report.contains("| hs256 | 2 | 5 | 3200 | +700 | 70 |"), report);
        assertTrue(report.contains("| none | 2 | 4 | 2500 | +0 |"), report);
        assertTrue(report.contains("| hs256 | 4 | +200 [+200, +200] |"), report);
    }

    @Test
    void slicesArePairedWithTheBaselineSliceOfTheSameRoundAndNumber(@TempDir Path dir) throws Exception {
        String runs = HEADER + row(1, "none", 2000, 1000, 30) + row(1, "hs256", 2300, 900, 33);
        // The machine slows down from slice to slice; within each slice hs256 is 0.95, 0.90, 0.95, 0.98 of none.
        StringBuilder slices = new StringBuilder("round\tslice\tarm\trps\tp99_ms\tnon2xx\tcpu_us_per_req\n");
        double[] speed = {1000, 800, 600, 400};
        double[] hs256 = {0.95, 0.90, 0.95, 0.98};
        for (int i = 0; i < 4; i++) {
            slices.append("1\t").append(i + 1).append("\tnone\t").append(speed[i]).append("\t2.0\t0\t").append(30_000 / speed[i]).append('\n');
            slices.append("1\t").append(i + 1).append("\ths256\t").append(speed[i] * hs256[i]).append("\t2.0\t0\t")
                    .append(30_000 / (speed[i] * hs256[i])).append('\n');
        }
        slices.append("1\t5\ths256\t\t\t0\t\n"); // a failed load run: left out
        Files.writeString(dir.resolve("runs.tsv"), runs);
        Files.writeString(dir.resolve("slices.tsv"), slices.toString());
        Files.writeString(dir.resolve("header.md"), "## test\n");
        ProcessBenchReport.main(new String[] {dir.resolve("runs.tsv").toString(), dir.resolve("header.md").toString(),
                dir.resolve("out.md").toString(), dir.resolve("slices.tsv").toString()});
        String report = Files.readString(dir.resolve("out.md"));
        assertTrue(report.contains("| hs256 | 4 | 0.950 [0.900, 0.950] | 0.950 [0.900, 0.950] |"), report);
    }
}
