package example.shop.story;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The demo's processes, started as run-demo.sh starts them: the issuer and the partner plain, the
 * gateway, orders and inventory with the agent jar and only {@code -Djwt.agent.*} settings. The
 * JVM is the one running the tests. Everything started is stopped by {@link #close()}, and by a
 * shutdown hook if the test JVM goes away first.
 */
final class DemoProcesses implements AutoCloseable {
    static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Path demoApps;
    private final Path agentJar;
    private final Path logs;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Thread reaper = new Thread(this::stopAll, "demo-processes-reaper");

    DemoProcesses(Path demoApps, Path agentJar, Path logs) throws IOException {
        this.demoApps = demoApps;
        this.agentJar = agentJar;
        this.logs = logs;
        Files.createDirectories(logs);
        for (String service : List.of("issuer", "partner", "inventory", "orders", "gateway")) {
            ports.put(service, freePort());
        }
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    String issuer() {
        return "http://127.0.0.1:" + ports.get("issuer");
    }

    String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    /** The agent's settings, the same for every protected service (as in run-demo.sh). */
    List<String> agentOptions() {
        return List.of("-javaagent:" + agentJar,
                "-Djwt.agent.issuer=" + issuer(),
                "-Djwt.agent.audience=shop",
                "-Djwt.agent.outbound.allowed-hosts=localhost",
                "-Djwt.agent.inbound.required=true");
    }

    void startAll() throws Exception {
        start("issuer", List.of());
        start("partner", List.of());
        awaitReady("issuer", issuer() + "/.well-known/openid-configuration");
        List<String> agent = agentOptions();
        start("inventory", concat(agent, "-Dpartner.url=http://127.0.0.1:" + ports.get("partner")));
        start("orders", concat(agent, "-Dinventory.url=http://localhost:" + ports.get("inventory")));
        start("gateway", concat(agent, "-Dorders.url=http://localhost:" + ports.get("orders")));
        awaitReady("partner", url("partner") + "/");
        awaitReady("inventory", url("inventory") + "/stock");
        awaitReady("orders", url("orders") + "/orders");
        awaitReady("gateway", url("gateway") + "/checkout");
    }

    private void start(String service, List<String> options) throws IOException {
        Path jar = demoApps.resolve(service).resolve("target").resolve("demo-" + service + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the demo first (mvn package)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(options);
        command.add("-Dserver.port=" + ports.get(service));
        command.add("-jar");
        command.add(jar.toString());
        File log = logs.resolve(service + ".log").toFile();
        Files.writeString(log.toPath(), String.join(" ", command) + System.lineSeparator());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                .start();
        processes.put(service, process);
    }

    private void awaitReady(String service, String url) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Process process = processes.get(service);
            if (!process.isAlive()) {
                throw new IllegalStateException(service + " exited with " + process.exitValue() + " while starting; log: "
                        + logs.resolve(service + ".log") + System.lineSeparator() + tail(service));
            }
            try {
                HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
                connection.setConnectTimeout(1000);
                connection.setReadTimeout(2000);
                connection.getResponseCode();
                connection.disconnect();
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(service + " did not answer within 60 s; log: "
                            + logs.resolve(service + ".log") + System.lineSeparator() + tail(service));
                }
                Thread.sleep(200);
            }
        }
    }

    String tail(String service) {
        try {
            List<String> lines = Files.readAllLines(logs.resolve(service + ".log"));
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    private synchronized void stopAll() {
        for (Process process : processes.values()) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }
        for (Process process : processes.values()) {
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static List<String> concat(List<String> list, String... more) {
        List<String> all = new ArrayList<>(list);
        all.addAll(Arrays.asList(more));
        return all;
    }
}
