package dev.jwtagent.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

final class Rejections {
    private Rejections() {
    }

    static TokenRejectedException assertRejected(RejectReason expected, TokenVerifier verifier, String token) {
        TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier.verify(token));
        assertEquals(expected, e.reason(), "reject reason");
        if (token != null && token.length() > 8) {
            assertFalse(e.getMessage().contains(token), "message must not contain the token");
        }
        return e;
    }
}
