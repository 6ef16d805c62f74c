package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reactor Netty 1.3 (Spring Boot 4's, taken from the Spring Boot application's jar) with a remote
 * address supplier of the application's: a request without a token makes the client ask the
 * supplier exactly as often with the agent's instrumentation as without it. Before, the agent read
 * the request's URL on every request, which 1.3 builds by asking the supplier once more: the
 * application's load-balancing code ran an extra time per request, on the event loop, also with no
 * token anywhere.
 */
class ReactorNetty13SupplierTest {
    private static final Pattern ASKED = Pattern.compile("ASKED (\\d+)");

    @Test
    void aRequestWithoutATokenAsksTheApplicationsSupplierNoMoreOftenThanTheClientDoesAlone() throws Exception {
        List<Path> classPath = reactorNetty13();
        classPath.add(ChildJvm.testClasses());
        try (Downstream downstream = new Downstream()) {
            int port = URI.create(downstream.allowedUrl("/")).getPort();
            int alone = asked(ChildJvm.main(ReactorNettySupplierChild.class).classPath(classPath)
                    .agentSetting("instrumentation.reactor-netty-http-client.enabled", "false"), port);
            int instrumented = asked(ChildJvm.main(ReactorNettySupplierChild.class).classPath(classPath), port);
            assertTrue(alone >= 3, "the client asks the supplier at least once per request: " + alone);
            assertEquals(alone, instrumented, "how often the supplier was asked for three requests");
        }
    }

    private static int asked(ChildJvm.Builder builder, int port) throws Exception {
        try (ChildJvm child = builder.argument("unused").argument(String.valueOf(port)).start()) {
            Matcher matcher = ASKED.matcher(child.output());
            assertTrue(matcher.find(), child.output());
            return Integer.parseInt(matcher.group(1));
        }
    }

    /** Reactor Netty 1.3 with the Reactor and Netty it runs on, copied out of the Spring Boot application's jar. */
    private static List<Path> reactorNetty13() throws IOException {
        Path dir = Files.createTempDirectory("reactor-netty-13");
        List<Path> jars = new ArrayList<>();
        try (InputStream in = Files.newInputStream(Paths.get(System.getProperty("spring.boot.app.jar")));
             ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                String name = entry.getName();
                if (!name.startsWith("BOOT-INF/lib/") || !name.endsWith(".jar")) {
                    continue;
                }
                String file = name.substring("BOOT-INF/lib/".length());
                if (file.startsWith("reactor-") || file.startsWith("netty-") || file.startsWith("reactive-streams")) {
                    Path jar = dir.resolve(file);
                    Files.copy(zip, jar, StandardCopyOption.REPLACE_EXISTING);
                    jars.add(jar);
                }
            }
        }
        assertTrue(jars.stream().anyMatch(jar -> jar.getFileName().toString().startsWith("reactor-netty-http-1.3")), jars.toString());
        return jars;
    }
}
