package example.jwtagent.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A JVM of its own, started with the agent jar, for what the test JVM cannot do itself: another
 * agent configuration, or a class path that cannot live beside this module's (another version
 * of a library). It runs the {@code java} of the JDK that runs the tests, with the agent settings
 * of the test JVM (every {@code jwt.agent.*} system property) unless overridden.
 *
 * <p>The child's main class prints a line {@code READY <port>} once it serves; {@link #start}
 * waits for it. The child should end when its standard input closes; {@link #close} closes it
 * and kills the child if it does not end soon. {@link RelayChild} is such a main: Tomcat 11 with
 * {@link RelayApp}.
 */
public final class ChildJvm implements AutoCloseable {
    public static final String READY = "READY ";

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();

    private ChildJvm(Process process) {
        this.process = process;
        Thread pump = new Thread(this::pump, "child-jvm-output");
        pump.setDaemon(true);
        pump.start();
    }

    /** A child that runs {@code mainClass}. */
    public static Builder main(Class<?> mainClass) {
        return new Builder(mainClass.getName(), null);
    }

    /** A child that runs an executable jar ({@code java -jar}), as a Spring Boot service is run. */
    public static Builder executableJar(Path jar) {
        return new Builder(null, jar);
    }

    /** The jars in the directory Maven copied child class path set {@code name} into ({@code child-libs/<name>}). */
    public static List<Path> libs(String name) {
        Path dir = Paths.get(System.getProperty("child.libs"), name);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException("no child class path set " + name + " in " + dir, e);
        }
    }

    /** {@link #libs} of set {@code name}, then {@link #testClasses}: a child's whole class path. */
    public static List<Path> libsAndTestClasses(String name) {
        List<Path> classPath = new java.util.ArrayList<>(libs(name));
        classPath.add(testClasses());
        return classPath;
    }

    /** This module's compiled test classes (without their dependencies). */
    public static Path testClasses() {
        try {
            return Paths.get(ChildJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static final class Builder {
        private final String mainClass;
        private final Path jar;
        private final Map<String, String> agentSettings = new LinkedHashMap<>();
        private final List<String> jvmArguments = new ArrayList<>();
        private final List<String> arguments = new ArrayList<>();
        private String classPath = System.getProperty("java.class.path");

        private Builder(String mainClass, Path jar) {
            this.mainClass = mainClass;
            this.jar = jar;
            for (String name : System.getProperties().stringPropertyNames()) {
                if (name.startsWith("jwt.agent.")) {
                    agentSettings.put(name.substring("jwt.agent.".length()), System.getProperty(name));
                }
            }
        }

        /** Replaces the class path (by default the test JVM's own). */
        public Builder classPath(List<Path> entries) {
            classPath = entries.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
            return this;
        }

        /** Sets (or, with null, removes) agent setting {@code key}, given without the {@code jwt.agent.} prefix. */
        public Builder agentSetting(String key, String value) {
            if (value == null) {
                agentSettings.remove(key);
            } else {
                agentSettings.put(key, value);
            }
            return this;
        }

        public Builder jvmArgument(String argument) {
            jvmArguments.add(argument);
            return this;
        }

        public Builder argument(String argument) {
            arguments.add(argument);
            return this;
        }

        /** Starts the child and waits (at most 60 seconds) for its {@code READY} line. */
        public ChildJvm start() throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-javaagent:" + System.getProperty("agent.jar"));
            agentSettings.forEach((key, value) -> command.add("-Djwt.agent." + key + "=" + value));
            // Short-lived and small: start fast, stay small on a two-core machine.
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-XX:+UseSerialGC");
            command.add("-Xmx256m");
            command.addAll(jvmArguments);
            if (jar != null) {
                command.add("-jar");
                command.add(jar.toString());
            } else {
                command.add("-cp");
                command.add(classPath);
                command.add(mainClass);
            }
            command.addAll(arguments);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().keySet().removeIf(variable -> variable.startsWith("JWT_AGENT_"));
            ChildJvm child = new ChildJvm(builder.start());
            try {
                child.port.get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                child.close();
                throw new AssertionError("child JVM " + (jar != null ? jar : mainClass) + " did not get ready: " + e + "\n" + child.output(), e);
            }
            return child;
        }
    }

    private void pump() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.append(line).append('\n');
                if (line.startsWith(READY) && !port.isDone()) {
                    port.complete(Integer.parseInt(line.substring(READY.length()).trim()));
                }
            }
        } catch (IOException | RuntimeException e) {
            output.append("[output pump: ").append(e).append("]\n");
        }
        port.completeExceptionally(new IllegalStateException("the child JVM ended"));
    }

    /** The port the child announced. */
    public int port() {
        return port.join();
    }

    /** {@code http://localhost:<port>}. */
    public String baseUrl() {
        return "http://localhost:" + port();
    }

    /** Everything the child printed so far, standard output and standard error together. */
    public String output() {
        return output.toString();
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
