package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The classic Apache clients, an application that shares one {@code HttpClientContext} between
 * two threads: an https call redirected to plain http on an allowed host that is not loopback
 * ({@code orders}, which the child's hosts file maps to 127.0.0.1) while another thread's plain
 * http call on the same context is on its way. The https call's token never goes over plain http
 * there, whatever the other thread's call, and the context keeps nothing of the agent's after both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApacheSharedContextDowngradeTest {
    private Path dir;
    private Downstream plain;
    private Downstream slowPlain;
    private Downstream secureToPlain;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("shared-context");
        Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n127.0.0.1 orders\n");
        plain = new Downstream();
        slowPlain = Downstream.slow(4000);
        secureToPlain = Downstream.httpsSlow(plain.allowedUrl("/landing").replace("//localhost:", "//orders:"), 2500);
    }

    @AfterAll
    void stop() throws Exception {
        secureToPlain.close();
        slowPlain.close();
        plain.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"apache4", "apache5"})
    void anHttpsCallRedirectedToPlainHttpCarriesNoTokenThereWhileAnotherThreadCallsOnTheSameContext(String client) throws Exception {
        String token = Tokens.valid("alice");
        ChildJvm.Builder builder = ChildJvm.main(ApacheSharedContextChild.class)
                .agentSetting("outbound.allowed-hosts", "localhost,orders")
                .jvmArgument("-Djdk.net.hosts.file=" + dir.resolve("hosts"))
                .argument("unused")
                .argument(token)
                .argument(client)
                .argument(secureToPlain.allowedUrl("/start"))
                .argument(slowPlain.allowedUrl("/slow"));
        for (String argument : TestTls.trustingJvmArguments(dir)) {
            builder.jvmArgument(argument);
        }
        try (ChildJvm child = builder.start()) {
            String output = child.output();
            assertTrue(output.contains("CALLED 200 200"), output);
            assertEquals(List.of("Bearer " + token), secureToPlain.take().getHeaders().values("Authorization"), "the https hop\n" + output);
            assertEquals(List.of("Bearer " + token), slowPlain.take().getHeaders().values("Authorization"),
                    "the other thread's plain http call, made so\n" + output);
            RecordedRequest redirected = plain.take();
            assertNotNull(redirected);
            assertEquals(List.of(), redirected.getHeaders().values("Authorization"), "the plain http hop to orders\n" + output);
            assertFalse(output.contains("LEFT "), "the application's context after both calls\n" + output);
        }
    }
}
