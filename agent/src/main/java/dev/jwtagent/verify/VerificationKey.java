package dev.jwtagent.verify;

import com.auth0.jwt.algorithms.Algorithm;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One key and the algorithms it may verify. The binding is fixed when the key is loaded: an HMAC
 * secret only HS*, an RSA key only RS and PS, an EC key only the ES algorithm of its curve,
 * narrowed further by the JWK's {@code alg} and the configured algorithms.
 */
final class VerificationKey {
    private final String kid;
    private final String type;
    private final Map<String, Algorithm> algorithms;
    private final PublicKey publicKey;

    private VerificationKey(String kid, String type, Map<String, Algorithm> algorithms, PublicKey publicKey) {
        this.kid = kid;
        this.type = type;
        this.algorithms = Collections.unmodifiableMap(algorithms);
        this.publicKey = publicKey;
    }

    /**
     * An HMAC key, bound only to the HS algorithms whose hash is no longer than the secret (RFC 7518
     * section 3.2: 32 bytes for HS256, 48 for HS384, 64 for HS512). Callers check the length first;
     * a secret shorter than {@link JwsAlgorithms#MIN_HMAC_BYTES} is refused here as well.
     *
     * @param allowed algorithm names this key may be used with (already narrowed by settings and JWK alg)
     */
    static VerificationKey hmac(String kid, byte[] secret, Set<String> allowed) {
        if (secret.length < JwsAlgorithms.MIN_HMAC_BYTES) {
            throw new IllegalArgumentException("HMAC key shorter than " + JwsAlgorithms.MIN_HMAC_BYTES + " bytes");
        }
        Map<String, Algorithm> algs = new LinkedHashMap<>();
        for (String alg : JwsAlgorithms.HMAC) {
            if (allowed.contains(alg) && secret.length >= JwsAlgorithms.hmacMinBytes(alg)) {
                algs.put(alg, hmacAlgorithm(alg, secret));
            }
        }
        return new VerificationKey(kid, "HMAC", algs, null);
    }

    /**
     * An RSA or EC public key.
     *
     * @throws IllegalArgumentException for weak RSA keys, unsupported curves and other key types
     */
    static VerificationKey publicKey(String kid, PublicKey key, Set<String> allowed) {
        Map<String, Algorithm> algs = new LinkedHashMap<>();
        if (key instanceof RSAPublicKey) {
            RSAPublicKey rsa = (RSAPublicKey) key;
            int bits = rsa.getModulus().bitLength();
            if (bits < JwsAlgorithms.MIN_RSA_BITS) {
                throw new IllegalArgumentException("RSA key of " + bits + " bits, at least "
                        + JwsAlgorithms.MIN_RSA_BITS + " required");
            }
            for (String alg : JwsAlgorithms.RSA) {
                if (allowed.contains(alg)) {
                    algs.put(alg, rsaAlgorithm(alg, rsa));
                }
            }
            return new VerificationKey(kid, "RSA", algs, key);
        }
        if (key instanceof ECPublicKey) {
            ECPublicKey ec = (ECPublicKey) key;
            String alg = JwsAlgorithms.ecAlgorithmFor(ec.getParams());
            if (alg == null) {
                throw new IllegalArgumentException("EC key on an unsupported curve (P-256, P-384, P-521 only)");
            }
            if (!JwsAlgorithms.isOnCurve(ec)) {
                throw new IllegalArgumentException("EC key whose point is not on its curve");
            }
            if (allowed.contains(alg)) {
                algs.put(alg, ecAlgorithm(alg, ec));
            }
            return new VerificationKey(kid, "EC", algs, key);
        }
        throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm());
    }

    /** The same key with other algorithm objects, for tests that observe signature checks. */
    static VerificationKey withAlgorithmsForTest(VerificationKey key, Map<String, Algorithm> algorithms) {
        return new VerificationKey(key.kid, key.type, new LinkedHashMap<>(algorithms), key.publicKey);
    }

    String kid() {
        return kid;
    }

    String type() {
        return type;
    }

    /** The java-jwt algorithm to verify {@code alg} with this key, or null when the key may not be used for it. */
    Algorithm algorithm(String alg) {
        return algorithms.get(alg);
    }

    Set<String> algorithms() {
        return algorithms.keySet();
    }

    /**
     * Whether {@code other} is this key still allowed everything this one is: the same kid, the same
     * public key material (HMAC keys compare by kid only) and every algorithm this one may verify.
     * A key republished for fewer algorithms (a JWK that gained an {@code alg}) is not: a token
     * verified with an algorithm it dropped must be verified again.
     */
    boolean stillAllowedIn(VerificationKey other) {
        return java.util.Objects.equals(kid, other.kid) && java.util.Objects.equals(publicKey, other.publicKey)
                && other.algorithms.keySet().containsAll(algorithms.keySet());
    }

    boolean isUsable() {
        return !algorithms.isEmpty();
    }

    @Override
    public String toString() {
        return type + (kid == null ? "" : " kid=" + kid) + " " + algorithms.keySet();
    }

    private static Algorithm hmacAlgorithm(String alg, byte[] secret) {
        switch (alg) {
            case "HS256":
                return Algorithm.HMAC256(secret);
            case "HS384":
                return Algorithm.HMAC384(secret);
            default:
                return Algorithm.HMAC512(secret);
        }
    }

    /** Through a key provider: a key read from PEM becomes a JCA key only when the first signature is checked. */
    private static Algorithm rsaAlgorithm(String alg, RSAPublicKey key) {
        switch (alg) {
            case "RS256":
                return Algorithm.RSA256(ParsedRsaPublicKey.provider(key));
            case "RS384":
                return Algorithm.RSA384(ParsedRsaPublicKey.provider(key));
            case "RS512":
                return Algorithm.RSA512(ParsedRsaPublicKey.provider(key));
            default:
                return PssAlgorithm.of(alg, key, null);
        }
    }

    private static Algorithm ecAlgorithm(String alg, ECPublicKey key) {
        switch (alg) {
            case "ES256":
                return Algorithm.ECDSA256(key, null);
            case "ES384":
                return Algorithm.ECDSA384(key, null);
            default:
                return Algorithm.ECDSA512(key, null);
        }
    }
}
