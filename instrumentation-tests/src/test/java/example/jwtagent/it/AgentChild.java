package example.jwtagent.it;

import com.sun.net.httpserver.HttpServer;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Tomcat 11 running {@link RelayApp} in a JVM of its own, started with the agent jar and the
 * given agent settings (for key sources the test JVM's HS256 configuration cannot cover). All of
 * its output, standard output and standard error, is kept for the log hygiene checks.
 *
 * <p>The child also serves, on a second port and outside any servlet container, what the tests
 * need to see inside it: {@code /counters} (RelayApp's call counters) and {@code /metrics} (every
 * attribute of {@code jwt.agent:type=Metrics}, read from the child's platform MBean server).
 */
final class AgentChild implements AutoCloseable {
    private static final String READY = "agent-child ready ";

    private final String name;
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final CompletableFuture<String[]> ready = new CompletableFuture<>();

    private AgentChild(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread pump = new Thread(this::pump, "agent-child-output-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    /** The outbound counters of the agent's metrics. */
    static final List<String> OUTBOUND_COUNTERS = List.of("propagated", "skipped.not_allowed", "skipped.expired",
            "skipped.already_set", "internal_faults");

    /** This test JVM's own agent settings ({@code key=value}), for a child that runs the agent as this JVM does. */
    static List<String> thisJvmsSettings() {
        List<String> settings = new ArrayList<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("jwt.agent.")) {
                settings.add(name.substring("jwt.agent.".length()) + "=" + System.getProperty(name));
            }
        }
        return settings;
    }

    /** Starts a child with {@code -javaagent} and {@code settings} ({@code key=value}, without the jwt.agent. prefix). */
    static AgentChild start(String name, List<String> settings) throws IOException {
        return start(name, settings, System.getProperty("java.class.path"));
    }

    /** The same on another class path (another version of a library, with this module's test classes). */
    static AgentChild start(String name, List<String> settings, List<Path> classPath) throws IOException {
        return start(name, settings, classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
    }

    private static AgentChild start(String name, List<String> settings, String classPath) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-javaagent:" + System.getProperty("agent.jar"));
        for (String setting : settings) {
            command.add("-Djwt.agent." + setting);
        }
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(classPath);
        command.add(AgentChild.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(variable -> variable.startsWith("JWT_AGENT_"));
        AgentChild child = new AgentChild(name, builder.start());
        Runtime.getRuntime().addShutdownHook(new Thread(child.process::destroyForcibly));
        return child;
    }

    /** Waits for the child's server; fails with the child's output when it does not come up. */
    AgentChild awaitReady() {
        try {
            ready.get(90, TimeUnit.SECONDS);
            return this;
        } catch (Exception e) {
            throw new AssertionError("child JVM " + name + " did not start: " + e + "\n" + output, e);
        }
    }

    private void pump() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.append(line).append('\n');
                if (line.startsWith(READY)) {
                    ready.complete(line.substring(READY.length()).split(" "));
                }
            }
        } catch (IOException e) {
            output.append("[output pump: ").append(e).append("]\n");
        }
        ready.completeExceptionally(new IllegalStateException("the child JVM ended"));
    }

    String baseUrl() {
        return ready.join()[0];
    }

    private String controlUrl() {
        return ready.join()[1];
    }

    /** Everything the child printed so far, standard output and standard error. */
    String output() {
        return output.toString();
    }

    int servletCalls() throws IOException {
        return applicationCalls()[0];
    }

    /** RelayApp's servlet and filter call counts, read together. */
    int[] applicationCalls() throws IOException {
        RawHttp.Response counters = RawHttp.get(controlUrl(), "/counters");
        return new int[] {Integer.parseInt(counters.field("servlet")), Integer.parseInt(counters.field("filter"))};
    }

    /** The child's service, for the client contract's calls; closing it leaves the child running. */
    TestServer service() {
        return new TestServer() {
            @Override
            public String baseUrl() {
                return AgentChild.this.baseUrl();
            }

            @Override
            public void close() {
            }
        };
    }

    /** The metrics after a first request, at which the agent publishes them. */
    Map<String, Long> metricsAfterFirstRequest() throws IOException {
        RawHttp.Response first = RawHttp.get(baseUrl(), "/echo");
        if (first.status != 200) {
            throw new AssertionError("the child's first request: " + first);
        }
        return metrics();
    }

    /** How far each of the outbound counters moved from {@code before} to {@code after}. */
    static Map<String, Long> outboundMoved(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> moved = new java.util.TreeMap<>();
        for (String counter : OUTBOUND_COUNTERS) {
            moved.put(counter, after.get(counter) - before.get(counter));
        }
        return moved;
    }

    /** The child's {@code jwt.agent:type=Metrics} attributes, as read through its platform MBean server. */
    Map<String, Long> metrics() throws IOException {
        Map<String, Long> metrics = new LinkedHashMap<>();
        for (String line : RawHttp.get(controlUrl(), "/metrics").body.split("\n")) {
            int eq = line.lastIndexOf('=');
            if (eq > 0) {
                metrics.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
            }
        }
        return metrics;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The child: Tomcat with RelayApp, the control server, then wait until standard input closes. */
    public static void main(String[] args) throws Exception {
        TomcatJakartaServer server = new TomcatJakartaServer(2);
        HttpServer control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        control.createContext("/counters", exchange -> answer(exchange,
                "servlet=" + RelayApp.SERVLET_CALLS.get() + "\nfilter=" + RelayApp.FILTER_CALLS.get() + "\n"));
        control.createContext("/metrics", exchange -> answer(exchange, metricsText()));
        control.start();
        System.out.println(READY + server.baseUrl() + " http://127.0.0.1:" + control.getAddress().getPort());
        System.out.flush();
        System.in.readAllBytes();
        control.stop(0);
        server.close();
        System.exit(0);
    }

    private static String metricsText() {
        try {
            MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("jwt.agent:type=Metrics");
            StringBuilder text = new StringBuilder();
            for (MBeanAttributeInfo attribute : beans.getMBeanInfo(name).getAttributes()) {
                text.append(attribute.getName()).append('=').append(beans.getAttribute(name, attribute.getName())).append('\n');
            }
            return text.toString();
        } catch (Exception e) {
            return "error=" + e + "\n";
        }
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
