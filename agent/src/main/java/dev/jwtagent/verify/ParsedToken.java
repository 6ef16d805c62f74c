package dev.jwtagent.verify;

import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;

import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * A compact JWS split and strictly decoded, not yet verified. It is also the {@link DecodedJWT}
 * handed to java-jwt's {@code Algorithm.verify}, which reads only the raw segments and the
 * {@code kid}; claim accessors are deliberately unsupported so nothing can rely on java-jwt's
 * lenient claim parsing.
 */
final class ParsedToken implements DecodedJWT {
    private final String token;
    private final String headerSegment;
    private final String payloadSegment;
    private final String signatureSegment;
    private final Map<String, Object> header;
    private final Map<String, Object> claims;
    private final String algorithm;
    private final String keyId;

    private ParsedToken(String token, String headerSegment, String payloadSegment, String signatureSegment,
                        Map<String, Object> header, Map<String, Object> claims) throws TokenRejectedException {
        this.token = token;
        this.headerSegment = headerSegment;
        this.payloadSegment = payloadSegment;
        this.signatureSegment = signatureSegment;
        this.header = header;
        this.claims = claims;
        Object alg = header.get("alg");
        if (!(alg instanceof String)) {
            throw Jose.malformed();
        }
        this.algorithm = (String) alg;
        Object kid = header.get("kid");
        if (kid != null && !(kid instanceof String)) {
            throw Jose.malformed();
        }
        this.keyId = (String) kid;
    }

    /**
     * Splits and decodes a compact JWS. With {@code payloadIsJson} false the payload is only
     * base64url-checked (signature-layer tests use arbitrary payload bytes).
     */
    static ParsedToken parse(String token, boolean payloadIsJson) throws TokenRejectedException {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || token.indexOf('.', second + 1) >= 0) {
            throw Jose.malformed();
        }
        String headerSegment = token.substring(0, first);
        String payloadSegment = token.substring(first + 1, second);
        String signatureSegment = token.substring(second + 1);
        Map<String, Object> header = Jose.parseObject(Jose.utf8(Jose.base64Url(headerSegment)));
        byte[] payload = Jose.base64Url(payloadSegment);
        Jose.base64Url(signatureSegment);
        Map<String, Object> claims = payloadIsJson ? Jose.parseObject(Jose.utf8(payload)) : null;
        return new ParsedToken(token, headerSegment, payloadSegment, signatureSegment, header, claims);
    }

    Map<String, Object> headerMap() {
        return header;
    }

    Map<String, Object> claimsMap() {
        return claims;
    }

    @Override
    public String getToken() {
        return token;
    }

    @Override
    public String getHeader() {
        return headerSegment;
    }

    @Override
    public String getPayload() {
        return payloadSegment;
    }

    @Override
    public String getSignature() {
        return signatureSegment;
    }

    @Override
    public String getAlgorithm() {
        return algorithm;
    }

    @Override
    public String getKeyId() {
        return keyId;
    }

    @Override
    public String getType() {
        Object typ = header.get("typ");
        return typ instanceof String ? (String) typ : null;
    }

    @Override
    public String getContentType() {
        Object cty = header.get("cty");
        return cty instanceof String ? (String) cty : null;
    }

    @Override
    public Claim getHeaderClaim(String name) {
        throw new UnsupportedOperationException("signature view only");
    }

    @Override
    public String getIssuer() {
        throw new UnsupportedOperationException("signature view only");
    }

    @Override
    public String getSubject() {
        throw new UnsupportedOperationException("signature view only");
    }

    @Override
    public List<String> getAudience() {
        throw new UnsupportedOperationException("signature view only");
    }

    @Override
    public Date getExpiresAt() {
        throw new UnsupportedOperationException("signature view only");
    }

    @Override
    public Date getNotBefore() {
        throw new UnsupportedOperationException("signature view only");
    }

    @Override
    public Date getIssuedAt() {
        throw new UnsupportedOperationException("signature view only");
    }

    @Override
    public String getId() {
        throw new UnsupportedOperationException("signature view only");
    }

    @Override
    public Claim getClaim(String name) {
        throw new UnsupportedOperationException("signature view only");
    }

    @Override
    public Map<String, Claim> getClaims() {
        throw new UnsupportedOperationException("signature view only");
    }

    @Override
    public String toString() {
        return "ParsedToken{" + Fingerprint.of(token) + "}";
    }
}
