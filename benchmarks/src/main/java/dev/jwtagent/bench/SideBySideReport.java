package dev.jwtagent.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the windows of {@code run-side-by-side.sh} (a TSV file, one line per window and arm: the
 * launch it belongs to, the requests the arm answered and the CPU seconds its JVM used) into a
 * markdown table:
 * {@code java -cp benchmarks.jar dev.jwtagent.bench.SideBySideReport <windows.tsv> <header.md> <out.md>}.
 * All arms ran at the same time on the same core, so each arm is paired with its baseline window by
 * window: the ratio of their CPU per request (baseline / arm) is the throughput ratio the arm would
 * have on a core of its own, and a slowdown of the machine during a window hits both sides of a pair.
 * Two launches of the same service differ by a few per cent, which no pairing within a launch
 * removes: the ratio is also given per launch.
 */
public final class SideBySideReport {
    private static final String BASELINE = "none";
    private static final String RS256_BASELINE = "none-rs256";

    private SideBySideReport() {
    }

    /** One arm in one window of one launch. */
    record Window(String launch, double seconds, long requests, double cpuSeconds, long non2xx) {
        double cpuMicrosPerRequest() {
            return requests == 0 ? Double.NaN : cpuSeconds * 1e6 / requests;
        }
    }

    public static void main(String[] args) throws IOException {
        Map<String, Map<String, Window>> byArm = read(Files.readAllLines(Path.of(args[0])));
        String table = table(byArm);
        Files.writeString(Path.of(args[2]), Files.readString(Path.of(args[1])) + "\n" + table);
        System.out.print(table);
    }

    /** Arm -> window number -> figures, in the order the arms first appear. */
    static Map<String, Map<String, Window>> read(List<String> lines) {
        String[] columns = lines.get(0).split("\t");
        int window = index(columns, "window");
        // Files of runs before launches were repeated have no launch column: one launch.
        int launch = List.of(columns).indexOf("launch");
        int arm = index(columns, "arm");
        int seconds = index(columns, "seconds");
        int requests = index(columns, "requests");
        int cpu = index(columns, "cpu_seconds");
        int non2xx = index(columns, "non2xx");
        Map<String, Map<String, Window>> byArm = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split("\t", -1);
            Window previous = byArm.computeIfAbsent(cells[arm], a -> new LinkedHashMap<>()).put(cells[window],
                    new Window(launch < 0 ? "1" : cells[launch], Double.parseDouble(cells[seconds]), Long.parseLong(cells[requests]), Double.parseDouble(cells[cpu]), Long.parseLong(cells[non2xx])));
            if (previous != null) {
                // Window numbers run on across launches; a repeated one would silently replace a window.
                throw new IllegalArgumentException("window " + cells[window] + " of arm " + cells[arm] + " appears twice");
            }
        }
        return byArm;
    }

    /**
     * The arm an arm is compared with: none, or for an arm sent the RS256 token, none-rs256 when it
     * ran; null for a baseline itself, and when no baseline ran.
     */
    static String baselineOf(String arm, Map<String, ?> arms) {
        if (arm.equals(BASELINE) || arm.equals(RS256_BASELINE)) {
            return null;
        }
        if (arm.startsWith("rs256") && arms.containsKey(RS256_BASELINE)) {
            return RS256_BASELINE;
        }
        return arms.containsKey(BASELINE) ? BASELINE : null;
    }

    static String table(Map<String, Map<String, Window>> byArm) {
        StringBuilder out = new StringBuilder();
        out.append("| arm | baseline | windows | requests/s | CPU us/request | × CPU-based, paired per window | × requests, paired per window | non-2xx | × CPU-based per launch |\n");
        out.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Map.Entry<String, Map<String, Window>> e : byArm.entrySet()) {
            String arm = e.getKey();
            Map<String, Window> windows = e.getValue();
            String baseline = baselineOf(arm, byArm);
            List<Double> perSecond = new ArrayList<>();
            List<Double> cpuPerRequest = new ArrayList<>();
            long non2xx = 0;
            for (Window w : windows.values()) {
                perSecond.add(w.requests() / w.seconds());
                if (w.requests() > 0) {
                    // A window without requests (its wrk failed) has no CPU per request.
                    cpuPerRequest.add(w.cpuMicrosPerRequest());
                }
                non2xx += w.non2xx();
            }
            List<Double> cpuRatios = new ArrayList<>();
            List<Double> requestRatios = new ArrayList<>();
            Map<String, List<Double>> cpuRatiosByLaunch = new LinkedHashMap<>();
            Map<String, Window> base = baseline == null ? null : byArm.get(baseline);
            if (base != null) {
                for (Map.Entry<String, Window> w : windows.entrySet()) {
                    Window b = base.get(w.getKey());
                    Window a = w.getValue();
                    // A window without requests or CPU on either side says nothing about the pair.
                    if (b != null && a.requests() > 0 && b.requests() > 0 && a.cpuSeconds() > 0 && b.cpuSeconds() > 0) {
                        double ratio = b.cpuMicrosPerRequest() / a.cpuMicrosPerRequest();
                        cpuRatios.add(ratio);
                        cpuRatiosByLaunch.computeIfAbsent(a.launch(), l -> new ArrayList<>()).add(ratio);
                        requestRatios.add((double) a.requests() / b.requests());
                    }
                }
            }
            out.append("| ").append(arm)
                    .append(" | ").append(baseline == null ? "–" : baseline)
                    .append(" | ").append(windows.size())
                    .append(" | ").append(ProcessBenchReport.quartiles(perSecond, 0, false))
                    .append(" | ").append(ProcessBenchReport.quartiles(cpuPerRequest, 2, false))
                    .append(" | ").append(ProcessBenchReport.quartiles(cpuRatios, 3, false))
                    .append(" | ").append(ProcessBenchReport.quartiles(requestRatios, 3, false))
                    .append(" | ").append(non2xx)
                    .append(" | ").append(perLaunch(cpuRatiosByLaunch)).append(" |\n");
        }
        out.append("\nMedian over the windows [25th, 75th percentile]. Requests/s is each arm's share of the core: the arms split it.\n");
        out.append("Per launch: the median of that launch's paired windows, launch by launch.\n");
        return out.toString();
    }

    /** Each launch's median ratio, in launch order: "0.961 / 0.990 / 0.975"; a dash when nothing paired. */
    private static String perLaunch(Map<String, List<Double>> ratiosByLaunch) {
        if (ratiosByLaunch.isEmpty()) {
            return "–";
        }
        List<String> medians = new ArrayList<>();
        for (List<Double> ratios : ratiosByLaunch.values()) {
            medians.add(String.format(java.util.Locale.ROOT, "%.3f", ProcessBenchReport.median(Map.of("ratios", ratios), "ratios")));
        }
        return String.join(" / ", medians);
    }

    private static int index(String[] columns, String name) {
        for (int i = 0; i < columns.length; i++) {
            if (columns[i].equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no column " + name);
    }
}
