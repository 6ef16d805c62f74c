package dev.jwtagent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Pools the pairs of several whole-process runs of the same agent code: each slice and each timed
 * launch is still paired with its baseline's of the same run, round and number (never across runs),
 * and the medians and quartiles are taken over the pairs of every run together. One run of 3 to 6
 * rounds gives 15 to 30 slice pairs per arm, whose median moves by a few per cent from run to run;
 * the pooled median of several runs is the steadier estimate of what the agent costs.
 *
 * <p>{@code java -cp benchmarks.jar dev.jwtagent.bench.PooledRuns <label> <slices.tsv> <starts.tsv> [<label> <slices.tsv> <starts.tsv>]...}
 */
public final class PooledRuns {
    private PooledRuns() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || args.length % 3 != 0) {
            throw new IllegalArgumentException("expected triples: <label> <slices.tsv> <starts.tsv>");
        }
        List<String> slices = new ArrayList<>();
        List<String> starts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < args.length; i += 3) {
            labels.add(args[i]);
            append(slices, Files.readAllLines(Path.of(args[i + 1])), args[i]);
            append(starts, Files.readAllLines(Path.of(args[i + 2])), args[i]);
        }
        System.out.print(report(labels, slices, starts));
    }

    static String report(List<String> labels, List<String> slices, List<String> starts) {
        return "Runs pooled: " + String.join(", ", labels) + ". Each pair within one run, round and number.\n"
                + ProcessBenchReport.pairedSlices(slices)
                + ProcessBenchReport.pairedLaunches(ProcessBenchReport.launches(starts, "first_answer_ms"));
    }

    /**
     * Adds one run's lines to {@code pooled}, its round numbers prefixed with the run's label so that
     * round 1 of one run is never paired with round 1 of another. The header is kept from the first
     * file, and every file must have the same columns.
     */
    static void append(List<String> pooled, List<String> lines, String label) {
        String header = lines.get(0);
        if (pooled.isEmpty()) {
            pooled.add(header);
        } else if (!pooled.get(0).equals(header)) {
            throw new IllegalArgumentException("run " + label + " has other columns: " + header);
        }
        int round = List.of(header.split("\t")).indexOf("round");
        if (round < 0) {
            throw new IllegalArgumentException("run " + label + " has no round column");
        }
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split("\t", -1);
            cells[round] = label + ":" + cells[round];
            pooled.add(String.join("\t", cells));
        }
    }
}
