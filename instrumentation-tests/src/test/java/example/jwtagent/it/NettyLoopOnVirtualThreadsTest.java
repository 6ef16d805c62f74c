package example.jwtagent.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Netty's event loop on a virtual thread (or a JDK pool's thread), started by the first request that
 * connects through it (Tomcat 11 in this JVM, a Reactor Netty client on {@link ReactorNettyVirtualLoop}'s group). A
 * call made on the loop after another call's answer carries no token, as on any event loop: also
 * bob's and a caller's without one, after alice's request started the loop. Before, the loop's
 * thread was started with her token and kept it: their chained calls went out with it.
 */
class NettyLoopOnVirtualThreadsTest extends CallersOfASharedClientTest {
    private static final String CLIENT = "reactor-netty-on-a-virtual-loop-then-chained";

    @Override
    TestServer startService() throws Exception {
        return new TomcatJakartaServer(2);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"virtual", "cached-pool"})
    void aLoopStartedInAliceRequestRunsOtherCallersCallsWithNoToken(String executor) throws Exception {
        assumeTrue(executor.equals("cached-pool") || Runtime.version().feature() >= 21, "virtual threads");
        ReactorNettyVirtualLoop.useANewGroup(executor);
        String url = downstream.allowedUrl("/first?then=" + URLEncoder.encode(downstream.allowedUrl("/second"), StandardCharsets.UTF_8));
        String alice = Tokens.valid("alice");
        String bob = Tokens.valid("bob");
        ClientContractTest.call(service, CLIENT, url, alice, null);
        List<String> afterAlice = arrived(2);
        ClientContractTest.call(service, CLIENT, url, bob, null);
        List<String> afterBob = arrived(2);
        ClientContractTest.call(service, CLIENT, url, null, null);
        List<String> afterNone = arrived(2);
        assertEquals(List.of(sorted("/first " + List.of("Bearer " + alice), "/second " + List.of()),
                        sorted("/first " + List.of("Bearer " + bob), "/second " + List.of()),
                        sorted("/first " + List.of(), "/second " + List.of())),
                List.of(afterAlice, afterBob, afterNone));
    }
}
