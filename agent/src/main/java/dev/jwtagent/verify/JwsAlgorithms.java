package dev.jwtagent.verify;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** The JWS algorithms the agent can verify, and which key types may use them. */
final class JwsAlgorithms {
    static final Set<String> HMAC = set("HS256", "HS384", "HS512");
    static final Set<String> RSA = set("RS256", "RS384", "RS512", "PS256", "PS384", "PS512");
    static final Set<String> EC = set("ES256", "ES384", "ES512");
    static final Set<String> ASYMMETRIC = union(RSA, EC);
    static final Set<String> ALL = union(HMAC, ASYMMETRIC);

    static final int MIN_RSA_BITS = 2048;
    static final int MIN_HMAC_BYTES = 32;

    /** The shortest secret an HS algorithm may use: its hash's output size (RFC 7518 section 3.2). */
    static int hmacMinBytes(String alg) {
        switch (alg) {
            case "HS384":
                return 48;
            case "HS512":
                return 64;
            default:
                return MIN_HMAC_BYTES;
        }
    }

    /**
     * ES algorithm name to its curve, so an EC key is bound to exactly one algorithm. In a holder:
     * the JCA lookup loads the security providers (about 60 ms), which an HMAC-only agent never needs.
     */
    private static final class Curves {
        static final Map<String, ECParameterSpec> BY_ALGORITHM = new LinkedHashMap<>();

        static {
            BY_ALGORITHM.put("ES256", namedCurve("secp256r1"));
            BY_ALGORITHM.put("ES384", namedCurve("secp384r1"));
            BY_ALGORITHM.put("ES512", namedCurve("secp521r1"));
        }
    }

    private JwsAlgorithms() {
    }

    /** The ES algorithm for a key's curve, or null for any curve other than P-256, P-384, P-521. */
    static String ecAlgorithmFor(ECParameterSpec params) {
        for (Map.Entry<String, ECParameterSpec> e : Curves.BY_ALGORITHM.entrySet()) {
            ECParameterSpec named = e.getValue();
            if (named.getCurve().equals(params.getCurve()) && named.getGenerator().equals(params.getGenerator())
                    && named.getOrder().equals(params.getOrder()) && named.getCofactor() == params.getCofactor()) {
                return e.getKey();
            }
        }
        return null;
    }

    /** Curve parameters for a JWK {@code crv} name, or null. */
    static ECParameterSpec curveForJwk(String crv) {
        switch (crv) {
            case "P-256":
                return Curves.BY_ALGORITHM.get("ES256");
            case "P-384":
                return Curves.BY_ALGORITHM.get("ES384");
            case "P-521":
                return Curves.BY_ALGORITHM.get("ES512");
            default:
                return null;
        }
    }

    /** Refuses points that are not on the key's curve (invalid-curve keys). */
    static boolean isOnCurve(ECPublicKey key) {
        ECParameterSpec params = key.getParams();
        ECPoint w = key.getW();
        if (w == ECPoint.POINT_INFINITY || !(params.getCurve().getField() instanceof ECFieldFp)) {
            return false;
        }
        BigInteger p = ((ECFieldFp) params.getCurve().getField()).getP();
        BigInteger x = w.getAffineX();
        BigInteger y = w.getAffineY();
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right = x.pow(3).add(params.getCurve().getA().multiply(x)).add(params.getCurve().getB()).mod(p);
        return left.equals(right);
    }

    private static ECParameterSpec namedCurve(String name) {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(name));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("curve " + name + " is not available", e);
        }
    }

    private static Set<String> set(String... names) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(names)));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> s = new LinkedHashSet<>(a);
        s.addAll(b);
        return Collections.unmodifiableSet(s);
    }
}
