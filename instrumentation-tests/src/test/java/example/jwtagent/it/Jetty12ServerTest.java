package example.jwtagent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Jetty 12 (ee10) as the server, with the agent, in a JVM of its own (Jetty 12's classes cannot
 * share this module's class path with Jetty 9.4). The child program ({@code jetty12-server/}) is
 * compiled here against the Jetty 12 jars and prints, for each piece of code a request runs, the
 * subject of the token current there.
 */
class Jetty12ServerTest {
    /**
     * Bob's async request waits; alice's request sends an error on it and completes it, and Jetty
     * runs bob's error dispatch on alice's thread, inside alice's servlet call: with bob's token.
     * Before, with alice's.
     */
    @Test
    void bobsErrorDispatchRunOnAlicesThreadHasBobsToken() throws Exception {
        List<String> seen = run("inline-error");
        assertTrue(seen.contains("servlet /park REQUEST subject=bob current=bob"), seen.toString());
        assertTrue(seen.contains("servlet /wake REQUEST subject=alice current=alice"), seen.toString());
        assertEquals(List.of("servlet /err ERROR subject=bob current=bob"),
                seen.stream().filter(line -> line.startsWith("servlet /err")).collect(Collectors.toList()));
    }

    /**
     * Bob's async request waits with an {@code AsyncListener}; alice's request completes it, and Jetty
     * ends bob's request on alice's thread, inside alice's servlet call: bob's {@code onComplete}
     * runs there with bob's token or none, never alice's. Before, with alice's.
     */
    @Test
    void bobsOnCompleteRunOnAlicesThreadDoesNotHaveAlicesToken() throws Exception {
        List<String> seen = run("listener-complete");
        assertTrue(seen.contains("servlet /wake-completing REQUEST subject=alice current=alice"), seen.toString());
        List<String> onComplete = seen.stream().filter(line -> line.startsWith("on-complete ")).collect(Collectors.toList());
        assertEquals(1, onComplete.size(), seen.toString());
        assertTrue(List.of("on-complete /park-listening current=bob", "on-complete /park-listening current=none").contains(onComplete.get(0)),
                "bob's onComplete ran with another request's token: " + onComplete);
    }

    /**
     * Bob, who sent no token, waits; alice's request registers a stage on a future; carol's request,
     * without a token (or on an excluded path, where hers is not taken), completes it, and alice's
     * stage, running on carol's thread with alice's token, ends bob's request with an error, whose
     * page Jetty 12 runs right there. Carol's and bob's requests were both decided without a token,
     * which does not make them the same request: bob's error page runs with no token. Before, with
     * alice's.
     */
    @ParameterizedTest
    @ValueSource(strings = {"inline-error-from-stage", "inline-error-from-stage-excluded"})
    void bobsTokenlessErrorDispatchRunFromAlicesStageOnCarolsThreadHasNoToken(String scenario) throws Exception {
        List<String> seen = run(scenario);
        String publish = scenario.endsWith("excluded") ? "/public/publish" : "/publish";
        assertTrue(seen.contains("servlet " + publish + " REQUEST subject=null current=none"), seen.toString());
        assertTrue(seen.stream().anyMatch(line -> line.startsWith("stage /subscribe on ") && line.endsWith(" current=alice")),
                "alice's stage ran with her token: " + seen);
        assertEquals(List.of("servlet /err ERROR subject=null current=none"),
                seen.stream().filter(line -> line.startsWith("servlet /err")).collect(Collectors.toList()));
    }

    /**
     * Jetty 12 on its VirtualThreadPool: alice's async request completes from a task carrying her
     * token, and the requests pipelined behind it on her connection are handed to a new virtual
     * thread from there. Nothing of theirs (a core handler, a request listener, the servlet) runs
     * with alice's token, as TomcatVirtualThreadsTest checks for Tomcat. Before, the handler and the
     * listener did.
     */
    @Test
    void requestsPipelinedAfterAnAsyncCompleteOnAVirtualThreadPoolRunWithoutAlicesToken() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads");
        List<String> seen = run("virtual-pipelined");
        assertTrue(seen.contains("servlet /async REQUEST subject=alice current=alice"), seen.toString());
        List<String> pipelined = seen.stream().filter(line -> line.contains(" /next")).collect(Collectors.toList());
        assertEquals(6, pipelined.size(), seen.toString());
        assertEquals(List.of(), pipelined.stream().filter(line -> line.endsWith("current=alice")).collect(Collectors.toList()),
                "code of the pipelined requests that ran with alice's token");
    }

    /**
     * Jetty 12 in a URI compliance mode that lets an encoded '/' through (LEGACY): its servlet API
     * then throws from getServletPath and getPathInfo. With excluded paths configured, as here, the
     * agent read them and answered alice's valid token with 401 "internal error" (in every mode);
     * such a URI is not the path as sent, so no exclusion applies and the token decides, as for a
     * service without excluded paths. A forged token on what would be an excluded path but for its
     * encoding is still refused.
     */
    @Test
    void anAmbiguousUriJettyLetsThroughIsDecidedByItsTokenNotFailedAsAFault() throws Exception {
        List<String> seen = run("ambiguous-uri");
        assertTrue(seen.contains("servlet /orders%2Fitems REQUEST subject=alice current=alice"), seen.toString());
        assertTrue(seen.contains("answer /orders%2Fitems HTTP/1.1 200 OK"), seen.toString());
        assertTrue(seen.contains("answer /public%2Fx HTTP/1.1 401 Unauthorized"), seen.toString());
        assertEquals(List.of(), seen.stream().filter(line -> line.startsWith("servlet /public")).collect(Collectors.toList()),
                "the forged token reached the servlet");
    }

    /**
     * A servlet starts async with plain (not HTTP) wrappers of its request and response and
     * dispatches them: the async dispatch restores the request's token (SPEC 3), as for HTTP wrappers.
     */
    @Test
    void anAsyncDispatchOfPlainWrappersRunsWithTheRequestsToken() throws Exception {
        List<String> seen = run("plain-wrappers");
        assertTrue(seen.contains("answer /plain/x HTTP/1.1 200 OK"), seen.toString());
        assertTrue(seen.contains("plain-servlet REQUEST subject=alice current=alice"), seen.toString());
        assertTrue(seen.contains("plain-servlet ASYNC subject=alice current=alice"), seen.toString());
    }

    private static List<String> run(String scenario) throws Exception {
        String output = CompiledChild.run("jetty12server", "src/test/resources/jetty12-server/Jetty12ServerChild.java", "Jetty12ServerChild",
                scenario, Tokens.valid("alice"), Tokens.valid("bob"), Tokens.valid("carol"));
        assertTrue(output.contains("DONE"), output);
        return output.lines().filter(line -> line.startsWith("SEEN ")).map(line -> line.substring(5)).collect(Collectors.toList());
    }
}
