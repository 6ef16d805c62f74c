package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * One Jetty 12 {@code HttpClient} shared by the callers of a Tomcat service in a child JVM: alice,
 * carol and a caller without a token each have an exchange open (its headers arrived, its body
 * held back), whose complete listener calls an allowed downstream. Then bob's request stops the
 * client, which ends every exchange on bob's thread: no listener's call may carry bob's token. They
 * carry none; before, each carried bob's. Bob's own next call carries his.
 */
class JettyClient12StopTest extends CallersOfASharedClientTest {
    @Override
    TestServer startService() throws Exception {
        return ClientContractTest.childService(ChildJvm.main(RelayChild.class).classPath(JettyClient12ContractTest.classPath()).start());
    }

    @Test
    void exchangesAnotherCallerStopsCallWithoutThatCallersToken() throws Exception {
        holding.holdThreeExchanges(service, "jetty12-held-then-call-on-complete", downstream.allowedUrl("/after-stop"));
        assertNull(downstream.poll(200), "no exchange has ended yet");
        String bob = Tokens.valid("bob");
        ClientContractTest.call(service, "jetty12-stop-of-the-held-then-call", downstream.allowedUrl("/bob-after-stop"), bob, null);
        String none = " " + List.of();
        assertEquals(sorted("/after-stop" + none, "/after-stop" + none, "/after-stop" + none, "/bob-after-stop " + List.of("Bearer " + bob)),
                arrived(4));
    }
}
