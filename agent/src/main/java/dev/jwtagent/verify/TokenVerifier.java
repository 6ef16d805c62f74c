package dev.jwtagent.verify;

/** Verifies a bearer token: signature, algorithm binding and claims. */
public interface TokenVerifier {
    /**
     * Returns the verified token, or throws {@link TokenRejectedException}; never throws anything else.
     */
    VerifiedToken verify(String token) throws TokenRejectedException;

    /**
     * Whether exactly this string passed verification before and is still remembered: a header
     * carrying it needs no character-by-character check again. False when unsure.
     */
    default boolean verifiedBefore(String token) {
        return false;
    }
}
