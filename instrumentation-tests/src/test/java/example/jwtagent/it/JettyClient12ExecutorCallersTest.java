package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Jetty 12's client on an executor of the JDK's (virtual threads, Java 21+, or a cached pool), one
 * connection per destination, so that the callers' requests queue behind one another: each request
 * carries its own caller's token, or none, and a call its complete listener makes carries no other
 * caller's (the listeners run on the client's threads, with no token, whichever executor it has).
 */
class JettyClient12ExecutorCallersTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"virtual", "cached-pool"})
    void queuedRequestsCarryTheirOwnCallersTokenAndTheirListenersNoOtherCallers(String executor) throws Exception {
        assumeTrue(executor.equals("cached-pool") || Runtime.version().feature() >= 21, "virtual threads");
        String alice = Tokens.valid("alice");
        String bob = Tokens.valid("bob");
        try (Downstream downstream = new Downstream();
             ChildJvm child = ChildJvm.main(JettyClient12ExecutorCallersChild.class).classPath(ChildJvm.libsAndTestClasses("jetty12"))
                     .argument(executor).argument(alice).argument(bob).argument(downstream.allowedUrl("/")).start()) {
            Map<String, Integer> wrong = new TreeMap<>();
            for (int i = 0; i < 18; i++) {
                RecordedRequest request = downstream.take();
                String caller = request.getTarget().split("/")[1];
                List<String> expected = caller.equals("none") ? List.of() : List.of("Bearer " + (caller.equals("alice") ? alice : bob));
                List<String> got = request.getHeaders().values("Authorization");
                boolean listenerWithNone = request.getTarget().endsWith("/listener") && got.isEmpty();
                if (!expected.equals(got) && !listenerWithNone) {
                    String who = got.isEmpty() ? "none" : got.get(0).equals("Bearer " + alice) ? "alice" : got.get(0).equals("Bearer " + bob) ? "bob" : "other";
                    wrong.merge(request.getTarget() + " with " + who, 1, Integer::sum);
                }
            }
            assertEquals(Map.of(), wrong, "calls that went with another caller's token, or a request without its own");
        }
    }
}
