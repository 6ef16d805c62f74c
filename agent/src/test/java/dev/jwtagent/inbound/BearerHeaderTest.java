package dev.jwtagent.inbound;

import dev.jwtagent.verify.TokenRejectedException;
import dev.jwtagent.verify.TokenVerifier;
import dev.jwtagent.verify.VerifiedToken;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class BearerHeaderTest {
    /** A verifier that has verified exactly {@code known} before. */
    private static TokenVerifier knowing(String... known) {
        Set<String> strings = Set.of(known);
        return new TokenVerifier() {
            @Override
            public VerifiedToken verify(String token) throws TokenRejectedException {
                throw new AssertionError("parsing never verifies");
            }

            @Override
            public boolean verifiedBefore(String token) {
                return strings.contains(token);
            }
        };
    }

    private static final TokenVerifier NOTHING_SEEN = knowing();

    @Test
    void aBearerTokenIsReadAfterTheSchemeAndItsSpaces() {
        BearerHeader header = BearerHeader.parse("Bearer abc.DEF-_~+/.ghi==", true, NOTHING_SEEN);
        assertEquals(BearerHeader.Kind.TOKEN, header.kind);
        assertEquals("abc.DEF-_~+/.ghi==", header.token);
        assertEquals("abc.def.ghi", BearerHeader.parse("  bEaReR   abc.def.ghi ", true, NOTHING_SEEN).token);
        assertEquals("abc.def.ghi", BearerHeader.parse("abc.def.ghi", false, NOTHING_SEEN).token, "a bare token in another header");
    }

    @Test
    void anythingButOneB64TokenIsMalformed() {
        for (String value : new String[] {"Bearer", "Bearer ", "Bearer\tabc", "Bearer abc def", "Bearer abc\"def", "Bearer ===",
                "Bearer abc=def", "Bearer ä.b.c"}) {
            assertEquals(BearerHeader.Kind.MALFORMED, BearerHeader.parse(value, true, NOTHING_SEEN).kind, value);
        }
        assertEquals(BearerHeader.Kind.OTHER_SCHEME, BearerHeader.parse("Basic dXNlcjpwYXNz", true, NOTHING_SEEN).kind);
        assertNull(BearerHeader.parse("Basic dXNlcjpwYXNz", true, NOTHING_SEEN).token);
    }

    @Test
    void aTokenVerifiedBeforeIsNotCheckedCharacterByCharacterAgain() {
        // Only strings that passed this check once are ever verified; "known" stands for such a string here.
        String known = "known token";
        assertEquals(BearerHeader.Kind.MALFORMED, BearerHeader.parse("Bearer " + known, true, NOTHING_SEEN).kind);
        BearerHeader header = BearerHeader.parse("Bearer " + known, true, knowing(known));
        assertEquals(BearerHeader.Kind.TOKEN, header.kind, "taken as it is, as the verifier saw it before");
        assertEquals(known, header.token);
        assertEquals(BearerHeader.Kind.MALFORMED, BearerHeader.parse("Bearer " + known + "x y", true, knowing(known)).kind,
                "anything else in the header is still checked");
        assertEquals(BearerHeader.Kind.MALFORMED, BearerHeader.parse("Bearer\t" + known, true, knowing(known)).kind,
                "the scheme and separator are still checked");
    }
}
