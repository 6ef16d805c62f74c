package dev.jwtagent.inbound;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BearerHeaderTest {
    @Test
    void aBearerTokenIsReadAfterTheSchemeAndItsSpaces() {
        BearerHeader header = BearerHeader.parse("Bearer abc.DEF-_~+/.ghi==", true);
        assertEquals(BearerHeader.Kind.TOKEN, header.kind);
        assertEquals("abc.DEF-_~+/.ghi==", header.token);
        assertTrue(BearerHeader.isB64Token(header.token));
        assertEquals("abc.def.ghi", BearerHeader.parse("  bEaReR   abc.def.ghi ", true).token);
        assertEquals("abc.def.ghi", BearerHeader.parse("abc.def.ghi", false).token, "a bare token in another header");
    }

    @Test
    void aHeaderWithoutAPlaceForATokenIsMalformed() {
        for (String value : new String[] {"Bearer", "Bearer ", "Bearer\tabc"}) {
            assertEquals(BearerHeader.Kind.MALFORMED, BearerHeader.parse(value, true).kind, value);
        }
        assertEquals(BearerHeader.Kind.MALFORMED, BearerHeader.parse("   ", false).kind, "an empty custom header");
        assertEquals(BearerHeader.Kind.OTHER_SCHEME, BearerHeader.parse("Basic dXNlcjpwYXNz", true).kind);
        assertNull(BearerHeader.parse("Basic dXNlcjpwYXNz", true).token);
    }

    @Test
    void aControlCharacterAroundTheTokenStaysPartOfIt() {
        // Undertow hands such a value on as sent; String.trim() used to drop these around the token.
        for (String value : new String[] {"Bearer abc.def.ghi\u000b", "Bearer abc.def.ghi\u0000", "Bearer abc.def.ghi\u007f",
                "Bearer abc.def.ghi\f"}) {
            for (boolean authorization : new boolean[] {true, false}) {
                BearerHeader header = BearerHeader.parse(value, authorization);
                assertEquals(BearerHeader.Kind.TOKEN, header.kind, value);
                assertFalse(BearerHeader.isB64Token(header.token), value);
            }
        }
        assertFalse(BearerHeader.isB64Token(BearerHeader.parse("\u000babc.def.ghi", false).token), "a custom header's value");
        assertEquals(BearerHeader.Kind.OTHER_SCHEME, BearerHeader.parse("\u000bBearer abc.def.ghi", true).kind,
                "not the Bearer scheme: the application's, as any other");
        assertEquals("abc.def.ghi", BearerHeader.parse("\t Bearer abc.def.ghi \t", true).token, "spaces and tabs around it are no part of it");
    }

    @Test
    void anythingButOneB64TokenInThatPlaceIsNoB64Token() {
        for (String value : new String[] {"Bearer abc def", "Bearer abc\"def", "Bearer ===", "Bearer abc=def", "Bearer ä.b.c"}) {
            BearerHeader header = BearerHeader.parse(value, true);
            assertEquals(BearerHeader.Kind.TOKEN, header.kind, value);
            assertFalse(BearerHeader.isB64Token(header.token), value);
        }
        assertFalse(BearerHeader.isB64Token("abc def"), "a custom header's value is checked the same way");
        assertFalse(BearerHeader.isB64Token(""));
    }
}
