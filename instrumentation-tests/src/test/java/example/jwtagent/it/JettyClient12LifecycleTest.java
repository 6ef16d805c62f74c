package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Jetty 12's client, in a child JVM with the agent (Jetty 12 lives only on child class paths). */
class JettyClient12LifecycleTest {
    private static ChildJvm run(String... args) throws Exception {
        ChildJvm.Builder child = ChildJvm.main(JettyClient12LifecycleChild.class).classPath(ChildJvm.libsAndTestClasses("jetty12"));
        for (String arg : args) {
            child.argument(arg);
        }
        return child.start();
    }

    /**
     * A client given a ThreadPoolExecutor and started during alice's request (made on first use):
     * it hands its selector loop to that executor, and every task the loop hands on (responses,
     * redirects, listeners, for every caller) carried alice's token. Bob's redirect and a tokenless
     * caller's listener call went out with it; now the start runs with no token.
     */
    @Test
    void aClientStartedDuringARequestGivesThatTokenToNobodyElse() throws Exception {
        String alice = Tokens.valid("alice");
        String bob = Tokens.valid("bob");
        try (Downstream target = new Downstream(); Downstream redirector = new Downstream(target.allowedUrl("/bob-landing"))) {
            try (ChildJvm child = run("lazy-start", alice, bob, redirector.allowedUrl("/bob"), target.allowedUrl("/from-listener"))) {
                assertEquals(List.of("Bearer " + bob), redirector.takeAuthorization(), "bob's first hop");
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    RecordedRequest request = target.take();
                    seen.add(request.getTarget() + " " + request.getHeaders().values("Authorization"));
                }
                String all = String.join("\n", seen);
                assertFalse(all.contains(alice), "alice's token reached other callers' requests:\n" + all.replace(alice, "<alice>").replace(bob, "<bob>"));
            }
        }
    }

    /**
     * An application's request listener (per request, then one for the whole client) that adds its
     * own Authorization after the agent added the token: its value goes alone. Before, both went.
     */
    @Test
    void anAuthorizationARequestListenerAddsGoesAlone() throws Exception {
        String alice = Tokens.valid("alice");
        try (Downstream downstream = new Downstream(); ChildJvm child = run("begin-listener", alice, downstream.allowedUrl(""))) {
            assertEquals(List.of("Basic YXBwOnNlY3JldA=="), downstream.takeAuthorization(), "a listener of the request");
            assertEquals(List.of("Basic YXBwOnNlY3JldA=="), downstream.takeAuthorization(), "a listener of the client");
            assertEquals(List.of("Bearer app-service-token", "Basic YXBwOnNlY3JldA=="), downstream.takeAuthorization(),
                    "a listener that replaced the header, then added to it: both values are the application's");
        }
    }
}
