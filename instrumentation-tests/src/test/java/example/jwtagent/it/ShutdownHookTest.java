package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A shutdown hook made during alice's request, in a Tomcat of its own JVM: the JVM starts it at
 * exit, where no token is current, and its call carries none. Before, it carried alice's token
 * (the token current where the thread was made), to any allowed host, as long as it had not expired.
 */
class ShutdownHookTest {

    @Test
    void aShutdownHookMadeDuringARequestCallsWithoutItsToken() throws Exception {
        try (Downstream downstream = new Downstream()) {
            AgentChild child = AgentChild.start("shutdown-hook", AgentChild.thisJvmsSettings()).awaitReady();
            try {
                String path = "/call?client=url-connection&via=shutdown-hook&url="
                        + URLEncoder.encode(downstream.allowedUrl("/orders"), StandardCharsets.UTF_8);
                RawHttp.Response response = RawHttp.get(child.baseUrl(), path, RawHttp.bearer(Tokens.valid("alice-hook")));
                assertEquals(200, response.status, response.toString());
            } finally {
                child.close();
            }
            // The hook's call, made as the child exits.
            RecordedRequest call = downstream.poll(10_000);
            assertNotNull(call, "the hook made no call; the child's output:\n" + child.output());
            assertEquals(Collections.emptyList(), call.getHeaders().values("Authorization"));
        }
    }
}
