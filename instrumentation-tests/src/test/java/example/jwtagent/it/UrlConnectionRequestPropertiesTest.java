package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The header the agent adds to an {@code HttpURLConnection}'s request is the agent's, not a
 * request property of the application's: the JDK hides {@code Authorization} from
 * {@code getRequestProperty} itself, but not a header of the service's own
 * ({@code outbound.header}). Code that reads a connection's properties back, to log them or to
 * replay the call on another connection (where the value would count as the application's own
 * header, for any host), finds none of the token; the application's own properties read as set.
 */
class UrlConnectionRequestPropertiesTest {
    private static final String HEADER = "X-Forwarded-Token";

    @Test
    void theAgentsHeaderIsNoRequestPropertyTheApplicationReadsBack() throws Exception {
        String token = Tokens.valid("alice");
        try (Downstream downstream = new Downstream();
             ChildJvm child = ChildJvm.main(UrlConnectionPropertiesChild.class)
                     .agentSetting("outbound.header", HEADER)
                     .argument(downstream.allowedUrl("/call"))
                     .argument(token)
                     .argument(HEADER)
                     .start()) {
            RecordedRequest call = downstream.take();
            assertEquals(List.of(token), call.getHeaders().values(HEADER), "the call carries the token\n" + child.output());
            assertTrue(child.output().contains("READ-BACK none, X-Application own"), "what the application reads back:\n" + child.output());
        }
    }
}
