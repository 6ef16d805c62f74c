package example.jwtagent.it;

import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code outbound.header} a header of the service's own, the JDK keeps the agent's value in an
 * {@code HttpURLConnection}'s request for a redirect it follows and for the retry that answers a
 * challenge, and hands that request's headers to the application's {@code CookieHandler} before
 * it writes it (it leaves out only {@code Authorization}). The handler is the application's code,
 * not a destination: it never sees the token, and the token still goes with every hop it may go with.
 */
class UrlConnectionCookieHandlerTest {
    private static final String HEADER = "X-Forwarded-Token";

    @Test
    void theApplicationsCookieHandlerNeverSeesTheAgentsHeaderOnARedirectOrARetry() throws Exception {
        String token = Tokens.valid("alice");
        MockWebServer challenging = ChallengeContractTest.challengingDownstream();
        try (Downstream target = new Downstream();
             Downstream redirector = new Downstream(target.allowedUrl("/landing"));
             ChildJvm child = ChildJvm.main(UrlConnectionCookieHandlerChild.class)
                     .agentSetting("outbound.header", HEADER)
                     .argument("unused")
                     .argument(token)
                     .argument(HEADER)
                     .argument(redirector.allowedUrl("/start"))
                     .argument("http://localhost:" + challenging.getPort() + "/orders")
                     .start()) {
            String output = child.output();
            assertEquals(List.of(token), redirector.take().getHeaders().values(HEADER), "the first hop\n" + output);
            assertEquals(List.of(token), target.take().getHeaders().values(HEADER), "the redirect, to an allowed host\n" + output);
            assertEquals(List.of(token), challenging.takeRequest().getHeaders().values(HEADER), "the challenged request\n" + output);
            assertEquals(List.of(ChallengeAnsweringClients.BASIC), challenging.takeRequest().getHeaders().values("Authorization"),
                    "the retry with the credentials\n" + output);
            assertTrue(output.contains("COOKIE-HANDLER /landing"), "the handler was asked for the redirect\n" + output);
            assertTrue(output.contains("COOKIE-HANDLER /orders"), "and for the call that was challenged\n" + output);
            assertFalse(output.contains(" the token"), "what the application's cookie handler was given:\n" + output);
        } finally {
            challenging.close();
        }
    }
}
