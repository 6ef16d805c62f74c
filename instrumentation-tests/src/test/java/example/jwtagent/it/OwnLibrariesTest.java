package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application that ships its own java-jwt 3.x, Jackson, SLF4J + Logback and Byte Buddy keeps
 * using its own versions when the agent is attached, and the agent still works beside them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OwnLibrariesTest {
    private Process process;
    private String baseUrl;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();

    @BeforeAll
    void start() throws Exception {
        List<String> classPath = new ArrayList<>();
        for (File jar : new File(System.getProperty("app.own.libs")).listFiles()) {
            classPath.add(jar.getPath());
        }
        classPath.add(Paths.get(OwnLibrariesApp.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        List<String> command = List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-javaagent:" + System.getProperty("agent.jar"),
                "-Djwt.agent.secret-file=" + System.getProperty("it.secret.file"),
                "-Djwt.agent.issuer=" + Tokens.ISSUER, "-Djwt.agent.audience=" + Tokens.AUDIENCE,
                "-cp", String.join(File.pathSeparator, classPath), OwnLibrariesApp.class.getName());
        process = new ProcessBuilder(command).start();
        // Dedicated threads: with two cores the common pool may have a single thread.
        startDrain(() -> drain(process.getErrorStream(), stderr));
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            stdout.append(line).append('\n');
            if (line.startsWith("READY ")) {
                baseUrl = "http://127.0.0.1:" + line.substring(6).trim();
                break;
            }
        }
        assertTrue(baseUrl != null, "the application did not start: " + stdout + stderr);
        BufferedReader rest = out;
        startDrain(() -> drain(rest, stdout));
    }

    private static void startDrain(Runnable drain) {
        Thread thread = new Thread(drain, "own-libraries-output");
        thread.setDaemon(true);
        thread.start();
    }

    private static void drain(java.io.InputStream in, StringBuffer into) {
        drain(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), into);
    }

    private static void drain(BufferedReader in, StringBuffer into) {
        try {
            String line;
            while ((line = in.readLine()) != null) {
                into.append(line).append('\n');
            }
        } catch (java.io.IOException ignored) {
            // the process ended
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (process != null) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void applicationKeepsItsOwnLibrariesAndTheAgentStillVerifies() throws Exception {
        RawHttp.Response response = RawHttp.get(baseUrl, "/whoami", RawHttp.bearer(Tokens.valid("alice")));
        assertEquals(200, response.status, response.toString());
        assertEquals("alice", response.field("agent-subject"), "the agent verified the token");
        assertEquals("alice", response.field("own-subject"), "the application decoded it with its own java-jwt");
        assertEquals("java-jwt-3.19.4.jar", response.field("java-jwt"));
        assertEquals("ch.qos.logback.classic.LoggerContext", response.field("slf4j-binding"));
        assertEquals("slf4j-api-1.7.36.jar", response.field("slf4j"));
        assertTrue(response.field("jackson").startsWith("2.13."), response.body);
        assertTrue(response.field("byte-buddy").startsWith("byte-buddy-1.14.18.jar made "), response.body);
    }

    @Test
    void applicationLoggingStaysTheApplicationsAndTheAgentKeepsItsOwn() throws Exception {
        RawHttp.get(baseUrl, "/whoami", RawHttp.bearer(Tokens.valid("bob")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!stdout.toString().contains("own-app - handled request") && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(java.util.regex.Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[[^]]+] INFO +own-app - handled request")
                .matcher(stdout).find(), "Logback's own format on stdout: " + stdout);
        assertTrue(stderr.toString().contains("INFO jwt-agent.startup - jwt-agent"), "the agent's own log line: " + stderr);
    }

    @Test
    void invalidTokenIsStillRefused() throws Exception {
        assertEquals(401, RawHttp.get(baseUrl, "/whoami", RawHttp.bearer("not.a.jwt")).status);
    }
}
