package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class TomcatJakartaInboundTest extends InboundContractTest {
    private TomcatJakartaServer tomcat;

    @Override
    TestServer startServer() throws Exception {
        tomcat = new TomcatJakartaServer(4);
        return tomcat;
    }

    @Test
    void aFilterThatInheritsDoFilterFromAClassThatIsNoFilterAnswersOnlyADecidedRequest() throws Exception {
        // The gate filter answers /gate without calling the chain: nothing after it would decide the request.
        String[] parts = Tokens.valid("mallory").split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
        RawHttp.Response refused = RawHttp.get(tomcat.baseUrl(), "/gate", RawHttp.bearer(forged));
        assertEquals(401, refused.status, refused.toString());
        assertFalse(refused.body.contains("gate:"), refused.toString());

        RawHttp.Response accepted = RawHttp.get(tomcat.baseUrl(), "/gate", RawHttp.bearer(Tokens.valid("alice")));
        assertEquals(200, accepted.status, accepted.toString());
        assertEquals("gate:alice", accepted.body.trim());
    }
}
