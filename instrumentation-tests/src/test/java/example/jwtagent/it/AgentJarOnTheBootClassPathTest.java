package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README (using it on a service): the agent jar also given with -Xbootclasspath/a (as some platforms
 * do with every agent, for OSGi containers) starts the agent as without it. Before, its entry point
 * then came from the bootstrap class path, where a class has no code source, and the JVM stopped
 * with "jwt-agent: failed to start: java.lang.NullPointerException".
 */
class AgentJarOnTheBootClassPathTest {

    @Test
    void theAgentStartsAndDecidesWhenItsJarIsAlsoOnTheBootClassPath() throws Exception {
        try (Downstream downstream = new Downstream();
             ChildJvm service = ChildJvm.main(RelayChild.class).jvmArgument("-Xbootclasspath/a:" + System.getProperty("agent.jar")).start()) {
            String output = service.output();
            assertTrue(output.contains(" started in "), output);
            assertFalse(output.contains("failed to start"), output);

            assertEquals(401, RawHttp.get(service.baseUrl(), "/echo", RawHttp.bearer("not.a.jwt")).status, service.output());
            String token = Tokens.valid("alice");
            RawHttp.Response call = RawHttp.get(service.baseUrl(), "/call?client=url-connection&via=executor-submit&url="
                    + java.net.URLEncoder.encode(downstream.allowedUrl("/next"), java.nio.charset.StandardCharsets.UTF_8), RawHttp.bearer(token));
            assertEquals("alice", call.field("subject"), call.toString());
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
        }
    }
}
