package dev.jwtagent.instrument;

import dev.jwtagent.log.AgentLog;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The agent's transformer handed the class files of a servlet container as they load at startup:
 * Tomcat 11's core jar (1,492 classes, the servlet API among them; here inside the benchmark
 * jar), from a class loader that has the servlet API, every rule of every instrumentation installed. One pass in a fresh JVM, while
 * the transformer's code is still interpreted, as at a service's start; the few classes rules
 * match are rewritten, as there. Lives in the agent's package to build the transformer without an
 * {@code Instrumentation}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(20)
@State(Scope.Benchmark)
public class TransformerStartupBenchmark {
    private final List<String> names = new ArrayList<>();
    private final List<byte[]> classFiles = new ArrayList<>();
    private ClassLoader container;
    private AgentTransformer transformer;

    @Setup
    public void setUp() throws Exception {
        Path jar = Path.of(jakarta.servlet.Servlet.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        readClassFiles(jar);
        container = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
        Rules rules = new Rules();
        AdviceSupport support = new AdviceSupport(TransformerStartupBenchmark.class.getClassLoader());
        for (AgentInstrumentation each : Instrumentations.all()) {
            each.install(rules.from(each), support);
        }
        // By reflection: the agent jar's logger type is relocated, so its constructor cannot be linked against.
        Object log = AgentLog.class.getMethod("logger", String.class).invoke(null, "startup");
        Constructor<?> constructor = AgentTransformer.class.getDeclaredConstructors()[0];
        constructor.setAccessible(true);
        transformer = (AgentTransformer) constructor.newInstance(rules.all(), new Ignored(), log, null);
    }

    private void readClassFiles(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (isContainers(name) && name.endsWith(".class")) {
                    try (InputStream in = file.getInputStream(entry)) {
                        classFiles.add(in.readAllBytes());
                    }
                    names.add(name.substring(0, name.length() - ".class".length()));
                }
            }
        }
    }

    /** Tomcat's and the servlet API's, of the benchmark jar's classes (JMH's and its libraries' left out). */
    private static boolean isContainers(String entry) {
        for (String prefix : new String[] {"org/apache/catalina/", "org/apache/coyote/", "org/apache/tomcat/", "org/apache/naming/",
                "org/apache/juli/", "org/apache/el/", "jakarta/"}) {
            if (entry.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Returns how many classes were rewritten (a servlet container's servlet and filter classes among them). */
    @Benchmark
    public int transformContainerClasses() throws Exception {
        int rewritten = 0;
        for (int i = 0; i < classFiles.size(); i++) {
            if (transformer.transform(container, names.get(i), null, null, classFiles.get(i)) != null) {
                rewritten++;
            }
        }
        return rewritten;
    }
}
