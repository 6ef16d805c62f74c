package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The Spring Boot executable jar of {@link SpringBootJarTest} started without the agent, which is then
 * attached ({@code java -jar jwt-agent.jar attach <pid>}) after Tomcat has served requests, so its
 * classes are loaded: the attributes the agent then keeps beside Tomcat's own map are listed and
 * removed through Spring as with {@code -javaagent}.
 */
class SpringBootAttachTest {

    @Test
    void afterAnAttachSpringListsAndRemovesTheAttributes() throws Exception {
        Process service = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-jar", System.getProperty("spring.boot.app.jar"), "--server.port=0")
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8));
            String base = null;
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("READY ")) {
                    base = "http://localhost:" + line.substring("READY ".length()).trim();
                    break;
                }
            }
            assertNotNull(base, "the service did not start");
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // keep the pipe empty
                    }
                } catch (java.io.IOException ignored) {
                    // ended
                }
            });
            drain.setDaemon(true);
            drain.start();
            assertEquals("subject=null names=[] | removed: subject=null names=[]", RawHttp.get(base, "/attrs/holder").body, "no agent yet");

            AttachCommand attach = AttachCommand.run(service.pid(), "secret-file=" + System.getProperty("it.secret.file") + ";audience=" + Tokens.AUDIENCE
                    + ";outbound.allowed-hosts=localhost");
            assertEquals(0, attach.exitCode(), attach.output());

            String alice = Tokens.valid("alice");
            for (int i = 0; i < 3; i++) {
                assertEquals("subject=alice names=[jwt.agent.claims, jwt.agent.subject] | removed: subject=null names=[jwt.agent.claims]",
                        RawHttp.get(base, "/attrs/holder", RawHttp.bearer(alice)).body);
                assertEquals("subject=null names=[] | removed: subject=null names=[]", RawHttp.get(base, "/attrs/holder").body);
            }
        } finally {
            service.getOutputStream().close();
            if (!service.waitFor(10, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
    }
}
