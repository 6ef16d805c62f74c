package dev.jwtagent.verify;

import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.SignatureGenerationException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;

/**
 * RSASSA-PSS (RFC 7518 section 3.5) for java-jwt, which has no PS algorithms: MGF1 with the same
 * hash as the message digest, salt as long as the hash output, trailer field 1.
 */
final class PssAlgorithm extends Algorithm {
    private final PSSParameterSpec spec;
    private final RSAPublicKey publicKey;
    private final RSAPrivateKey privateKey;

    private PssAlgorithm(String name, String hash, MGF1ParameterSpec mgf, int saltLength,
                         RSAPublicKey publicKey, RSAPrivateKey privateKey) {
        super(name, "RSASSA-PSS using " + hash);
        this.spec = new PSSParameterSpec(hash, "MGF1", mgf, saltLength, PSSParameterSpec.TRAILER_FIELD_BC);
        this.publicKey = publicKey;
        this.privateKey = privateKey;
    }

    /** A PS256, PS384 or PS512 algorithm; {@code privateKey} may be null for verification only. */
    static PssAlgorithm of(String name, RSAPublicKey publicKey, RSAPrivateKey privateKey) {
        switch (name) {
            case "PS256":
                return new PssAlgorithm(name, "SHA-256", MGF1ParameterSpec.SHA256, 32, publicKey, privateKey);
            case "PS384":
                return new PssAlgorithm(name, "SHA-384", MGF1ParameterSpec.SHA384, 48, publicKey, privateKey);
            case "PS512":
                return new PssAlgorithm(name, "SHA-512", MGF1ParameterSpec.SHA512, 64, publicKey, privateKey);
            default:
                throw new IllegalArgumentException("not a PS algorithm: " + name);
        }
    }

    @Override
    public void verify(DecodedJWT jwt) throws SignatureVerificationException {
        if (publicKey == null) {
            throw new SignatureVerificationException(this);
        }
        boolean valid;
        try {
            byte[] signature = Base64.getUrlDecoder().decode(jwt.getSignature());
            if (signature.length != (publicKey.getModulus().bitLength() + 7) / 8) {
                throw new SignatureVerificationException(this);
            }
            Signature verifier = Signature.getInstance("RSASSA-PSS");
            verifier.setParameter(spec);
            verifier.initVerify(ParsedRsaPublicKey.forSignature(publicKey));
            verifier.update(jwt.getHeader().getBytes(StandardCharsets.US_ASCII));
            verifier.update((byte) '.');
            verifier.update(jwt.getPayload().getBytes(StandardCharsets.US_ASCII));
            valid = verifier.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException | IllegalStateException e) {
            throw new SignatureVerificationException(this, e);
        }
        if (!valid) {
            throw new SignatureVerificationException(this);
        }
    }

    @Override
    public byte[] sign(byte[] headerBytes, byte[] payloadBytes) throws SignatureGenerationException {
        byte[] content = new byte[headerBytes.length + 1 + payloadBytes.length];
        System.arraycopy(headerBytes, 0, content, 0, headerBytes.length);
        content[headerBytes.length] = '.';
        System.arraycopy(payloadBytes, 0, content, headerBytes.length + 1, payloadBytes.length);
        return sign(content);
    }

    @Override
    public byte[] sign(byte[] contentBytes) throws SignatureGenerationException {
        if (privateKey == null) {
            throw new SignatureGenerationException(this, new IllegalStateException("no private key"));
        }
        try {
            Signature signer = Signature.getInstance("RSASSA-PSS");
            signer.setParameter(spec);
            signer.initSign(privateKey);
            signer.update(contentBytes);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new SignatureGenerationException(this, e);
        }
    }
}
