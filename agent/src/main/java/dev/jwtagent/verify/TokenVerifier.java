package dev.jwtagent.verify;

/** Verifies a bearer token: signature, algorithm binding and claims. */
public interface TokenVerifier {
    /**
     * Returns the verified token, or throws {@link TokenRejectedException}; never throws anything else.
     */
    VerifiedToken verify(String token) throws TokenRejectedException;
}
