package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** SPEC section 3 on Undertow 2.3: the servlet runs on an XNIO worker after the IO thread parsed the request. */
class UndertowInboundTest extends InboundContractTest {
    private UndertowServer undertow;

    @Override
    TestServer startServer() throws Exception {
        undertow = new UndertowServer(4);
        return undertow;
    }

    @Override
    boolean keepsTabsInHeaderValues() {
        return false;
    }

    @Test
    void aTabAfterTheSchemeArrivesAsTheSpaceUndertowMakesOfIt() throws Exception {
        // Undertow's parser folds it before any servlet code runs: the agent decides what the application reads.
        String token = Tokens.valid("alice");
        RawHttp.Response response = RawHttp.get(undertow.baseUrl(), "/echo", "Authorization: Bearer\t" + token);
        assertEquals(200, response.status, response.toString());
        assertEquals("alice", response.field("subject"));
        RawHttp.Response forged = RawHttp.get(undertow.baseUrl(), "/echo", "Authorization: Bearer\t" + token + "x");
        assertEquals(401, forged.status, forged.toString());
    }

    @Test
    void aControlCharacterAfterTheTokenMakesTheHeaderMalformed() throws Exception {
        // Undertow passes a NUL or VT in a header value on to the application, which reads it with the header.
        String token = Tokens.valid("alice");
        for (String after : new String[] {"\u000b", "\u0000", "\f"}) {
            int calls = RelayApp.SERVLET_CALLS.get();
            RawHttp.Response response = RawHttp.get(undertow.baseUrl(), "/echo", "Authorization: Bearer " + token + after);
            assertEquals(400, response.status, (int) after.charAt(0) + ": " + response);
            assertEquals("Bearer error=\"invalid_request\", error_description=\"malformed Authorization header\"",
                    response.header("WWW-Authenticate"));
            assertEquals(calls, RelayApp.SERVLET_CALLS.get(), "the servlet must not be called");
        }
        assertEquals("alice", RawHttp.get(undertow.baseUrl(), "/echo", RawHttp.bearer(token)).field("subject"));
    }

    @Test
    void aFilterThatInheritsDoFilterFromAClassThatIsNoFilterAnswersOnlyADecidedRequest() throws Exception {
        String[] parts = Tokens.valid("mallory").split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
        RawHttp.Response refused = RawHttp.get(undertow.baseUrl(), "/gate", RawHttp.bearer(forged));
        assertEquals(401, refused.status, refused.toString());
        assertFalse(refused.body.contains("gate:"), refused.toString());

        RawHttp.Response accepted = RawHttp.get(undertow.baseUrl(), "/gate", RawHttp.bearer(Tokens.valid("alice")));
        assertEquals(200, accepted.status, accepted.toString());
        assertEquals("gate:alice", accepted.body.trim());
    }
}
