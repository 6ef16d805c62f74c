package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** SPEC section 3 on Jetty 12 (ee10). */
class Jetty12InboundTest extends InboundContractTest {
    private Jetty12Server jetty;

    @Override
    TestServer startServer() throws Exception {
        jetty = new Jetty12Server(4);
        return jetty;
    }

    @Test
    void aFilterThatInheritsDoFilterFromAClassThatIsNoFilterAnswersOnlyADecidedRequest() throws Exception {
        String[] parts = Tokens.valid("mallory").split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
        RawHttp.Response refused = RawHttp.get(jetty.baseUrl(), "/gate", RawHttp.bearer(forged));
        assertEquals(401, refused.status, refused.toString());
        assertFalse(refused.body.contains("gate:"), refused.toString());

        RawHttp.Response accepted = RawHttp.get(jetty.baseUrl(), "/gate", RawHttp.bearer(Tokens.valid("alice")));
        assertEquals(200, accepted.status, accepted.toString());
        assertEquals("gate:alice", accepted.body.trim());
    }
}
