package dev.jwtagent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the per-launch measurements of {@code run-process-bench.sh} (a TSV file, one line per arm
 * and round) into a markdown table of medians per arm with ratios to the {@code none} arm:
 * {@code java -cp benchmarks.jar dev.jwtagent.bench.ProcessBenchReport <runs.tsv> <header.md> <out.md> [slices.tsv [starts.tsv]]}.
 * With the measured slices (one line per round, slice and arm), each arm is also paired with its
 * baseline slice by slice; with the timed launches ({@code [starts.tsv]}, one line per round, launch
 * and arm), the startup columns are over every launch, and each launch is paired with its baseline's
 * launch of the same round and number.
 */
public final class ProcessBenchReport {
    private static final String BASELINE = "none";
    private static final String RS256_BASELINE = "none-rs256";

    private ProcessBenchReport() {
    }

    public static void main(String[] args) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        String[] columns = lines.get(0).split("\t");
        Map<String, Map<String, List<Double>>> byArm = new LinkedHashMap<>();
        Map<String, Map<String, Map<String, Double>>> byArmAndRound = new LinkedHashMap<>();
        Map<String, List<String>> notes = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split("\t", -1);
            String arm = cells[index(columns, "arm")];
            Map<String, List<Double>> values = byArm.computeIfAbsent(arm, a -> new LinkedHashMap<>());
            Map<String, Double> row = byArmAndRound.computeIfAbsent(arm, a -> new LinkedHashMap<>())
                    .computeIfAbsent(cells[index(columns, "round")], r -> new LinkedHashMap<>());
            for (int i = 0; i < columns.length; i++) {
                if (i < cells.length && isNumber(cells[i])) {
                    values.computeIfAbsent(columns[i], c -> new ArrayList<>()).add(Double.parseDouble(cells[i]));
                    row.put(columns[i], Double.parseDouble(cells[i]));
                }
            }
            String extra = cells[index(columns, "agent_threads")];
            if (!extra.isEmpty() && !extra.equals("-")) {
                List<String> armNotes = notes.computeIfAbsent(arm, a -> new ArrayList<>());
                if (!armNotes.contains(extra)) {
                    armNotes.add(extra);
                }
            }
        }
        Map<String, Map<String, Double>> startsByArm = null;
        if (args.length > 4) {
            List<String> startLines = Files.readAllLines(Path.of(args[4]));
            startsByArm = launches(startLines, "first_answer_ms");
            Map<String, Map<String, Double>> agentStarts = launches(startLines, "agent_start_ms");
            // The startup columns count every timed launch, not only the one launched for load.
            for (Map.Entry<String, Map<String, List<Double>>> e : byArm.entrySet()) {
                e.getValue().put("first_answer_ms", new ArrayList<>(startsByArm.getOrDefault(e.getKey(), Map.of()).values()));
                e.getValue().put("agent_start_ms", new ArrayList<>(agentStarts.getOrDefault(e.getKey(), Map.of()).values()));
            }
        }
        Map<String, List<Double>> noAgent = byArm.get(BASELINE);
        StringBuilder out = new StringBuilder(Files.readString(Path.of(args[1])));
        out.append("\n| arm | runs | launches | first answer ms | Δ first answer | agent start ms | req/s | × req/s | service CPU us/request "
                + "| × CPU-based | p99 ms | × p99 | heap after load MB | heap after 10k tokens MB | Δ heap 10k vs none MB "
                + "| threads | Δ threads | non-2xx |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, List<Double>>> e : byArm.entrySet()) {
            Map<String, List<Double>> v = e.getValue();
            // An arm sent the RS256 token compares with the no-agent arm sent the same token, when there is one.
            Map<String, List<Double>> base = e.getKey().startsWith("rs256") && byArm.containsKey(RS256_BASELINE)
                    ? byArm.get(RS256_BASELINE) : noAgent;
            out.append("| ").append(e.getKey())
                    .append(" | ").append(v.getOrDefault("round", List.of()).size())
                    .append(" | ").append(v.getOrDefault("first_answer_ms", List.of()).size())
                    .append(" | ").append(fmt(median(v, "first_answer_ms"), 0))
                    .append(" | ").append(signed(diff(v, base, "first_answer_ms"), 0))
                    .append(" | ").append(fmt(median(v, "agent_start_ms"), 0))
                    .append(" | ").append(fmt(median(v, "rps"), 0))
                    .append(" | ").append(fmt(ratio(v, base, "rps"), 3))
                    .append(" | ").append(fmt(median(v, "cpu_us_per_req"), 1))
                    .append(" | ").append(fmt(ratio(base, v, "cpu_us_per_req"), 3))
                    .append(" | ").append(fmt(median(v, "p99_ms"), 2))
                    .append(" | ").append(fmt(ratio(v, base, "p99_ms"), 2))
                    .append(" | ").append(fmt(median(v, "heap_load_mb"), 1))
                    .append(" | ").append(fmt(median(v, "heap_10k_mb"), 1))
                    .append(" | ").append(signed(diff(v, base, "heap_10k_mb"), 1))
                    .append(" | ").append(fmt(median(v, "threads_load"), 0))
                    .append(" | ").append(signed(diff(v, base, "threads_load"), 0))
                    .append(" | ").append(fmt(sum(v, "non2xx"), 0))
                    .append(" |\n");
        }
        out.append(paired(byArmAndRound));
        if (args.length > 3) {
            out.append(pairedSlices(Files.readAllLines(Path.of(args[3]))));
        }
        if (startsByArm != null) {
            out.append(pairedLaunches(startsByArm));
        }
        if (!notes.isEmpty()) {
            out.append("\nThreads named like the agent (`jwt`), per arm: ");
            List<String> parts = new ArrayList<>();
            notes.forEach((arm, n) -> parts.add(arm + ": " + String.join("; ", n)));
            out.append(String.join(" · ", parts)).append("\n");
        }
        Files.writeString(Path.of(args[2]), out.toString());
        System.out.print(out);
    }

    /**
     * Each arm against its baseline launched in the same round, then the median over rounds with the
     * lowest and highest: the spread between rounds shows what a difference of medians can be trusted for.
     */
    static String paired(Map<String, Map<String, Map<String, Double>>> byArmAndRound) {
        StringBuilder out = new StringBuilder("\nPaired within each round (the arm against its baseline of the same round); "
                + "median over rounds [lowest, highest]:\n\n| arm | rounds | × req/s | × CPU-based | Δ service CPU us/request | Δ first answer ms (the launch for load) |\n"
                + "|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, Map<String, Double>>> e : byArmAndRound.entrySet()) {
            String arm = e.getKey();
            if (arm.equals(BASELINE) || arm.equals(RS256_BASELINE)) {
                continue;
            }
            Map<String, Map<String, Double>> base = arm.startsWith("rs256") && byArmAndRound.containsKey(RS256_BASELINE)
                    ? byArmAndRound.get(RS256_BASELINE) : byArmAndRound.get(BASELINE);
            if (base == null) {
                continue;
            }
            List<Double> rps = new ArrayList<>();
            List<Double> cpuRatio = new ArrayList<>();
            List<Double> cpuDelta = new ArrayList<>();
            List<Double> firstDelta = new ArrayList<>();
            for (Map.Entry<String, Map<String, Double>> round : e.getValue().entrySet()) {
                Map<String, Double> b = base.get(round.getKey());
                Map<String, Double> a = round.getValue();
                if (b == null) {
                    continue;
                }
                addIfBoth(rps, a.get("rps"), b.get("rps"), (x, y) -> x / y);
                addIfBoth(cpuRatio, b.get("cpu_us_per_req"), a.get("cpu_us_per_req"), (x, y) -> x / y);
                addIfBoth(cpuDelta, a.get("cpu_us_per_req"), b.get("cpu_us_per_req"), (x, y) -> x - y);
                addIfBoth(firstDelta, a.get("first_answer_ms"), b.get("first_answer_ms"), (x, y) -> x - y);
            }
            out.append("| ").append(arm).append(" | ").append(rps.size())
                    .append(" | ").append(spread(rps, 3, false))
                    .append(" | ").append(spread(cpuRatio, 3, false))
                    .append(" | ").append(spread(cpuDelta, 1, true))
                    .append(" | ").append(spread(firstDelta, 0, true))
                    .append(" |\n");
        }
        return out.toString();
    }

    /**
     * Each arm's slice against its baseline's slice of the same round and slice number: the two were
     * measured within a minute of each other, so a change in the machine's speed between rounds, or
     * within one, cancels more closely than in the per-round medians. Median over all such pairs with
     * the quartiles, as a handful of pairs hit by a slowdown in between would dominate a lowest/highest.
     */
    static String pairedSlices(List<String> lines) {
        String[] columns = lines.get(0).split("\t");
        // arm -> "round/slice" -> {rps, cpu}
        Map<String, Map<String, double[]>> byArm = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split("\t", -1);
            if (!isNumber(cells[index(columns, "rps")]) || !isNumber(cells[index(columns, "cpu_us_per_req")])) {
                continue; // a failed load run: left out rather than losing the report
            }
            byArm.computeIfAbsent(cells[index(columns, "arm")], a -> new LinkedHashMap<>())
                    .put(cells[index(columns, "round")] + "/" + cells[index(columns, "slice")], new double[] {
                        Double.parseDouble(cells[index(columns, "rps")]), Double.parseDouble(cells[index(columns, "cpu_us_per_req")])});
        }
        StringBuilder out = new StringBuilder("\nPaired slice by slice (the arm's slice against its baseline's slice of the same round "
                + "and number); median over all pairs [25th, 75th percentile]:\n\n| arm | pairs | × req/s | × CPU-based |\n|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, double[]>> e : byArm.entrySet()) {
            String arm = e.getKey();
            Map<String, double[]> base = arm.startsWith("rs256") && byArm.containsKey(RS256_BASELINE)
                    ? byArm.get(RS256_BASELINE) : byArm.get(BASELINE);
            if (arm.equals(BASELINE) || arm.equals(RS256_BASELINE) || base == null) {
                continue;
            }
            List<Double> rps = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            for (Map.Entry<String, double[]> slice : e.getValue().entrySet()) {
                double[] b = base.get(slice.getKey());
                if (b != null && b[0] > 0 && slice.getValue()[1] > 0) {
                    rps.add(slice.getValue()[0] / b[0]);
                    cpu.add(b[1] / slice.getValue()[1]);
                }
            }
            out.append("| ").append(arm).append(" | ").append(rps.size())
                    .append(" | ").append(quartiles(rps)).append(" | ").append(quartiles(cpu)).append(" |\n");
        }
        return out.toString();
    }

    /** arm -> "round/launch" -> the figure in {@code column} of the timed launches; launches without it are left out. */
    static Map<String, Map<String, Double>> launches(List<String> lines, String column) {
        String[] columns = lines.get(0).split("\t");
        Map<String, Map<String, Double>> byArm = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split("\t", -1);
            String value = cells[index(columns, column)];
            if (isNumber(value)) {
                byArm.computeIfAbsent(cells[index(columns, "arm")], a -> new LinkedHashMap<>())
                        .put(cells[index(columns, "round")] + "/" + cells[index(columns, "launch")], Double.parseDouble(value));
            }
        }
        return byArm;
    }

    /**
     * Each launch against its baseline's launch of the same round and number (launched within a
     * minute of it): the difference in time to first answer, median over all pairs [25th, 75th percentile].
     */
    static String pairedLaunches(Map<String, Map<String, Double>> byArm) {
        StringBuilder out = new StringBuilder("\nStartup, each launch paired with its baseline's launch of the same round and number; "
                + "median over all pairs [25th, 75th percentile]:\n\n| arm | pairs | Δ first answer ms |\n|---|---|---|\n");
        for (Map.Entry<String, Map<String, Double>> e : byArm.entrySet()) {
            String arm = e.getKey();
            Map<String, Double> base = arm.startsWith("rs256") && byArm.containsKey(RS256_BASELINE)
                    ? byArm.get(RS256_BASELINE) : byArm.get(BASELINE);
            if (arm.equals(BASELINE) || arm.equals(RS256_BASELINE) || base == null) {
                continue;
            }
            List<Double> deltas = new ArrayList<>();
            for (Map.Entry<String, Double> launch : e.getValue().entrySet()) {
                Double b = base.get(launch.getKey());
                if (b != null) {
                    deltas.add(launch.getValue() - b);
                }
            }
            out.append("| ").append(arm).append(" | ").append(deltas.size()).append(" | ").append(quartiles(deltas, 0, true)).append(" |\n");
        }
        return out.toString();
    }

    /** Median [25th, 75th percentile], by the nearest-rank method. */
    private static String quartiles(List<Double> values) {
        return quartiles(values, 3, false);
    }

    static String quartiles(List<Double> values, int decimals, boolean signed) {
        if (values.isEmpty()) {
            return "–";
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        Map<String, List<Double>> holder = Map.of("v", values);
        return number(median(holder, "v"), decimals, signed) + " [" + number(rank(sorted, 0.25), decimals, signed) + ", "
                + number(rank(sorted, 0.75), decimals, signed) + "]";
    }

    private static String number(Double d, int decimals, boolean signed) {
        return signed ? signed(d, decimals) : fmt(d, decimals);
    }

    private static double rank(double[] sorted, double fraction) {
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static void addIfBoth(List<Double> to, Double a, Double b, java.util.function.DoubleBinaryOperator op) {
        if (a != null && b != null && b != 0) {
            to.add(op.applyAsDouble(a, b));
        }
    }

    private static String spread(List<Double> values, int decimals, boolean signed) {
        if (values.isEmpty()) {
            return "–";
        }
        Map<String, List<Double>> holder = Map.of("v", values);
        double low = values.stream().mapToDouble(Double::doubleValue).min().getAsDouble();
        double high = values.stream().mapToDouble(Double::doubleValue).max().getAsDouble();
        return (signed ? signed(median(holder, "v"), decimals) : fmt(median(holder, "v"), decimals))
                + " [" + (signed ? signed(low, decimals) : fmt(low, decimals)) + ", " + (signed ? signed(high, decimals) : fmt(high, decimals)) + "]";
    }

    private static int index(String[] columns, String name) {
        int i = Arrays.asList(columns).indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no column " + name);
        }
        return i;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static Double median(Map<String, List<Double>> values, String column) {
        List<Double> list = values == null ? null : values.get(column);
        if (list == null || list.isEmpty()) {
            return null;
        }
        double[] sorted = list.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static Double sum(Map<String, List<Double>> values, String column) {
        List<Double> list = values.get(column);
        return list == null ? null : list.stream().mapToDouble(Double::doubleValue).sum();
    }

    private static Double ratio(Map<String, List<Double>> v, Map<String, List<Double>> base, String column) {
        Double a = median(v, column);
        Double b = median(base, column);
        return a == null || b == null || b == 0 ? null : a / b;
    }

    private static Double diff(Map<String, List<Double>> v, Map<String, List<Double>> base, String column) {
        Double a = median(v, column);
        Double b = median(base, column);
        return a == null || b == null ? null : a - b;
    }

    private static String fmt(Double d, int decimals) {
        return d == null ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", d);
    }

    private static String signed(Double d, int decimals) {
        return d == null ? "–" : String.format(Locale.ROOT, "%+." + decimals + "f", d);
    }
}
