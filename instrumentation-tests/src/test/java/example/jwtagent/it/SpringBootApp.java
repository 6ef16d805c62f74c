package example.jwtagent.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spring Boot test application (module {@code spring-boot-app}) as the Spring Boot tests start it:
 * its executable jar in a child JVM with the built agent, on a free port, ready once a path answers.
 */
final class SpringBootApp {
    private SpringBootApp() {
    }

    /** The application's executable jar; fails the test with the command that builds it when it is missing. */
    static Path jar() {
        Path jar = Paths.get(System.getProperty("spring.boot.app.jar"));
        assertTrue(Files.isRegularFile(jar), "no " + jar + ": build it first (mvn package -pl instrumentation-tests/spring-boot-app)");
        return jar;
    }

    /** The jar with the agent, its server on a port the system picks; add settings, then {@link #startAndAwait}. */
    static ChildJvm.Builder withAgent() {
        return ChildJvm.executableJar(jar()).argument("--server.port=0");
    }

    /**
     * Starts the child and waits for {@code readyPath} to answer 200 without a token (an excluded
     * path); stops the child if it does not, since the test never gets to close it.
     */
    static ChildJvm startAndAwait(ChildJvm.Builder builder, String readyPath) throws IOException {
        ChildJvm child = builder.start();
        try {
            awaitAnswer(child, readyPath);
        } catch (IOException | RuntimeException | AssertionError e) {
            child.close();
            throw e;
        }
        return child;
    }

    /** Fails with the child's output unless {@code path} answers 200 without a token. */
    static void awaitAnswer(ChildJvm child, String path) throws IOException {
        RawHttp.Response first = RawHttp.get(child.baseUrl(), path);
        assertEquals(200, first.status, first + "\n" + child.output());
    }

    /**
     * A port nothing listens on now, for {@code management.server.port}, which the test must know
     * beforehand. Another process may take it before the child binds it; the child then fails to
     * start, and {@link #awaitAnswer} reports that with the child's output.
     */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
