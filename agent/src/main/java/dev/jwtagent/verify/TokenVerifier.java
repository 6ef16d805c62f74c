package dev.jwtagent.verify;

/** Verifies a bearer token: signature, algorithm binding and claims. */
public interface TokenVerifier {
    /**
     * Returns the verified token, or throws {@link TokenRejectedException}; never throws anything else.
     */
    VerifiedToken verify(String token) throws TokenRejectedException;

    /**
     * The token as verified before, when exactly this string passed {@link #verify} and is still
     * remembered: only its times are checked again (it may have expired since). Null when it is
     * not remembered; then it must go through {@link #verify}. A header carrying a remembered
     * token needs no character-by-character check again. Throws {@link TokenRejectedException}
     * (expired, not yet valid, internal error), never anything else.
     */
    default VerifiedToken verifyRemembered(String token) throws TokenRejectedException {
        return null;
    }

    /**
     * Whether {@code verified}, which this verifier returned, is still remembered and within its
     * times: true exactly when {@link #verifyRemembered} of its token would return a verification
     * without refusing it, but without looking the token up. False when in doubt; never throws.
     */
    default boolean stillRemembered(VerifiedToken verified) {
        return false;
    }
}
