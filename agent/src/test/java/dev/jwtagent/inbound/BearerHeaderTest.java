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
