package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jetty 12's client resolves where a request goes (its destination) by asking the request for its
 * scheme, host and port once, before the agent adds the header. A request of the application's
 * own {@code HttpRequest} class that names another host when asked again (one that picks an
 * instance per call) must not take the token to the host the connection really goes to when that
 * host is not allowed: the token is decided for the destination the client resolved. Before, the
 * agent asked the request again. The child program ({@code jetty12-client/}) is compiled here
 * against Jetty 12, which this module's class path cannot hold beside Jetty 9.4.
 */
class JettyClient12PickingRequestTest {
    @Test
    void aRequestThatNamesAnAllowedHostOnlyWhenAskedAgainSendsNoTokenToTheHostItGoesTo() throws Exception {
        try (Downstream notAllowed = new Downstream(); Downstream allowed = new Downstream()) {
            run(Tokens.valid("alice"), notAllowed.notAllowedUrl("/orders"), allowed.allowedUrl("/orders"));
            RecordedRequest arrived = notAllowed.take();
            assertEquals("/orders", arrived.getTarget(), "the request went to the host not allowed");
            assertEquals(List.of(), arrived.getHeaders().values("Authorization"));
            assertEquals(null, allowed.poll(200));
        }
    }

    @Test
    void aRequestOfTheApplicationsOwnClassToAnAllowedHostCarriesTheToken() throws Exception {
        String alice = Tokens.valid("alice");
        try (Downstream allowed = new Downstream()) {
            run(alice, allowed.allowedUrl("/orders"), allowed.allowedUrl("/orders"));
            assertEquals(List.of("Bearer " + alice), allowed.takeAuthorization());
        }
    }

    private static void run(String token, String firstUrl, String laterUrl) throws Exception {
        String output = CompiledChild.run("jetty12", "src/test/resources/jetty12-client/Jetty12PickingRequestChild.java", "Jetty12PickingRequestChild",
                token, firstUrl, laterUrl);
        assertTrue(output.contains("STATUS 200") && output.contains("DONE"), output);
    }
}
