package example.jwtagent.it;

import com.auth0.jwt.algorithms.Algorithm;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keys for the hostile tests, made fresh for each test JVM: the service's own RSA and EC keys
 * (handed to child JVMs as a PEM file or a JWKS document) and an attacker's RSA and EC keys.
 */
final class AdversarialKeys {
    static final String RSA_KID = "rsa-1";
    static final String EC_KID = "ec-1";

    static final KeyPair RSA = generate("RSA", null);
    static final KeyPair EC = generate("EC", "secp256r1");
    static final KeyPair ATTACKER_RSA = generate("RSA", null);
    static final KeyPair ATTACKER_EC = generate("EC", "secp256r1");

    private AdversarialKeys() {
    }

    private static KeyPair generate(String type, String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
            if (curve != null) {
                generator.initialize(new ECGenParameterSpec(curve));
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Algorithm rs256(KeyPair pair) {
        return Algorithm.RSA256((RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate());
    }

    static Algorithm rs512(KeyPair pair) {
        return Algorithm.RSA512((RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate());
    }

    static Algorithm es256(KeyPair pair) {
        return Algorithm.ECDSA256((ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate());
    }

    /** The service's public keys as PEM {@code PUBLIC KEY} blocks. */
    static String pem() {
        return pemBlock(RSA) + pemBlock(EC);
    }

    static String pemBlock(KeyPair pair) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** The service's JWKS: the RSA key (RS and PS) and the EC key bound to ES256. */
    static String jwks() {
        return RawJws.json(Map.of("keys", List.of(rsaJwk(RSA, RSA_KID), ecJwk(EC, EC_KID))));
    }

    /** An attacker's JWKS, as a jku or x5u host would serve it. */
    static String attackerJwks(String kid) {
        return RawJws.json(Map.of("keys", List.of(rsaJwk(ATTACKER_RSA, kid), ecJwk(ATTACKER_EC, kid))));
    }

    static Map<String, Object> rsaJwk(KeyPair pair, String kid) {
        RSAPublicKey key = (RSAPublicKey) pair.getPublic();
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("use", "sig");
        if (kid != null) {
            jwk.put("kid", kid);
        }
        jwk.put("n", RawJws.b64(unsigned(key.getModulus(), 0)));
        jwk.put("e", RawJws.b64(unsigned(key.getPublicExponent(), 0)));
        return jwk;
    }

    static Map<String, Object> ecJwk(KeyPair pair, String kid) {
        ECPublicKey key = (ECPublicKey) pair.getPublic();
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("use", "sig");
        jwk.put("alg", "ES256");
        if (kid != null) {
            jwk.put("kid", kid);
        }
        jwk.put("crv", "P-256");
        jwk.put("x", RawJws.b64(unsigned(key.getW().getAffineX(), 32)));
        jwk.put("y", RawJws.b64(unsigned(key.getW().getAffineY(), 32)));
        return jwk;
    }

    /** Big-endian bytes without a sign byte, left-padded to {@code length} when it is not 0. */
    static byte[] unsigned(BigInteger value, int length) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        if (length == 0 || bytes.length == length) {
            return bytes;
        }
        byte[] padded = new byte[length];
        System.arraycopy(bytes, 0, padded, length - bytes.length, bytes.length);
        return padded;
    }
}
