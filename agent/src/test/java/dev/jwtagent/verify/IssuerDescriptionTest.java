package dev.jwtagent.verify;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issuers as the startup line and the key fetch warnings show them: an issuer URL may hold credentials. */
class IssuerDescriptionTest {
    @Test
    void anIssuerUrlLosesItsUserInfoQueryAndFragment() {
        assertEquals("https://idp.example/realm", KeyFetcher.describeIssuer("https://svc:S3cr3tPw@idp.example/realm?api_key=K3Y#x"));
        assertEquals("https://idp.example:8443/realms/a", KeyFetcher.describeIssuer("https://idp.example:8443/realms/a"));
        assertEquals("https://issuer.test", KeyFetcher.describeIssuer("https://issuer.test"));
    }

    @Test
    void anIssuerThatIsNoUrlIsShownAsItIsUnlessItMayHoldCredentials() {
        assertEquals("orders-service", KeyFetcher.describeIssuer("orders-service"));
        assertEquals("urn:example:issuer", KeyFetcher.describeIssuer("urn:example:issuer"));
        assertEquals("(an issuer holding '@' or '?', not shown)", KeyFetcher.describeIssuer("svc:S3cr3t@"));
        assertEquals("(an issuer holding '@' or '?', not shown)", KeyFetcher.describeIssuer("https://a b@c/?k=v"));
    }
}
