package dev.jwtagent.verify;

import com.auth0.jwt.algorithms.Algorithm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/** Keys, token crafting and a settable clock shared by the verify tests. */
final class TestSupport {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    /** Long enough for every HS algorithm (HS512 needs 64 bytes). */
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef-test-secret-for-hs512".getBytes(StandardCharsets.US_ASCII);

    private static final Map<String, KeyPair> KEYS = new HashMap<>();

    private TestSupport() {
    }

    static synchronized KeyPair rsa(String name) {
        return KEYS.computeIfAbsent("rsa-" + name, n -> generate("RSA", 2048, null));
    }

    static synchronized KeyPair rsa1024() {
        return KEYS.computeIfAbsent("rsa1024", n -> generate("RSA", 1024, null));
    }

    /** An EC key pair on secp256r1, secp384r1 or secp521r1. */
    static synchronized KeyPair ec(String curve, String name) {
        return KEYS.computeIfAbsent("ec-" + curve + "-" + name, n -> generate("EC", 0, curve));
    }

    private static KeyPair generate(String type, int bits, String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
            if (curve != null) {
                generator.initialize(new ECGenParameterSpec(curve));
            } else {
                generator.initialize(bits);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A java-jwt algorithm that signs with {@code keys}; PS* uses our own PSS algorithm. */
    static Algorithm signer(String alg, KeyPair keys) {
        switch (alg) {
            case "RS256":
                return Algorithm.RSA256((RSAPublicKey) keys.getPublic(), (RSAPrivateKey) keys.getPrivate());
            case "RS384":
                return Algorithm.RSA384((RSAPublicKey) keys.getPublic(), (RSAPrivateKey) keys.getPrivate());
            case "RS512":
                return Algorithm.RSA512((RSAPublicKey) keys.getPublic(), (RSAPrivateKey) keys.getPrivate());
            case "PS256":
            case "PS384":
            case "PS512":
                return PssAlgorithm.of(alg, (RSAPublicKey) keys.getPublic(), (RSAPrivateKey) keys.getPrivate());
            case "ES256":
                return Algorithm.ECDSA256((ECPublicKey) keys.getPublic(), (ECPrivateKey) keys.getPrivate());
            case "ES384":
                return Algorithm.ECDSA384((ECPublicKey) keys.getPublic(), (ECPrivateKey) keys.getPrivate());
            case "ES512":
                return Algorithm.ECDSA512((ECPublicKey) keys.getPublic(), (ECPrivateKey) keys.getPrivate());
            default:
                throw new IllegalArgumentException(alg);
        }
    }

    static Algorithm hmac(String alg, byte[] secret) {
        switch (alg) {
            case "HS256":
                return Algorithm.HMAC256(secret);
            case "HS384":
                return Algorithm.HMAC384(secret);
            default:
                return Algorithm.HMAC512(secret);
        }
    }

    static String b64(String text) {
        return b64(text.getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Signs exactly the given header and payload JSON (so tests control duplicates, types, crit...). */
    static String sign(Algorithm algorithm, String headerJson, String payloadJson) {
        String header = b64(headerJson);
        String payload = b64(payloadJson);
        byte[] signature = algorithm.sign(header.getBytes(StandardCharsets.US_ASCII),
                payload.getBytes(StandardCharsets.US_ASCII));
        return header + "." + payload + "." + b64(signature);
    }

    /** Signs raw segments as given, without encoding them (for malformed-segment tests). */
    static String signSegments(Algorithm algorithm, String header, String payload) {
        byte[] signature = algorithm.sign(header.getBytes(StandardCharsets.ISO_8859_1),
                payload.getBytes(StandardCharsets.ISO_8859_1));
        return header + "." + payload + "." + b64(signature);
    }

    /** A payload valid at {@link #NOW} for an hour, plus extra members ("..." JSON fragment, may be empty). */
    static String claims(String extra) {
        return "{\"sub\":\"alice\",\"exp\":" + NOW.plusSeconds(3600).getEpochSecond()
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    static String header(String alg) {
        return "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}";
    }

    /** A public JWK for an RSA or EC key; {@code extra} is a JSON members fragment, may be empty. */
    static String jwk(PublicKey key, String kid, String extra) {
        StringBuilder sb = new StringBuilder("{");
        if (kid != null) {
            sb.append("\"kid\":\"").append(kid).append("\",");
        }
        if (key instanceof RSAPublicKey) {
            RSAPublicKey rsa = (RSAPublicKey) key;
            sb.append("\"kty\":\"RSA\",\"n\":\"").append(b64(unsigned(rsa.getModulus(), 0)))
                    .append("\",\"e\":\"").append(b64(unsigned(rsa.getPublicExponent(), 0))).append('"');
        } else {
            ECPublicKey ec = (ECPublicKey) key;
            int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
            String crv = size == 32 ? "P-256" : size == 48 ? "P-384" : "P-521";
            sb.append("\"kty\":\"EC\",\"crv\":\"").append(crv)
                    .append("\",\"x\":\"").append(b64(unsigned(ec.getW().getAffineX(), size)))
                    .append("\",\"y\":\"").append(b64(unsigned(ec.getW().getAffineY(), size))).append('"');
        }
        if (!extra.isEmpty()) {
            sb.append(',').append(extra);
        }
        return sb.append('}').toString();
    }

    static String jwks(String... jwks) {
        return "{\"keys\":[" + String.join(",", jwks) + "]}";
    }

    /** Big-endian unsigned bytes, left-padded to {@code size} when size > 0. */
    static byte[] unsigned(java.math.BigInteger value, int size) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        if (size > bytes.length) {
            byte[] padded = new byte[size];
            System.arraycopy(bytes, 0, padded, size - bytes.length, bytes.length);
            return padded;
        }
        return bytes;
    }

    static String pem(PublicKey... keys) {
        StringBuilder sb = new StringBuilder();
        for (PublicKey key : keys) {
            sb.append("-----BEGIN PUBLIC KEY-----\n")
                    .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded()))
                    .append("\n-----END PUBLIC KEY-----\n");
        }
        return sb.toString();
    }

    static Path writePem(Path dir, String name, String content) throws java.io.IOException {
        Path file = dir.resolve(name);
        Files.write(file, content.getBytes(StandardCharsets.US_ASCII));
        return file;
    }

    static VerifierSettings.Builder secretSettings(MutableClock clock) {
        return VerifierSettings.builder().secret(SECRET).clock(clock);
    }

    /** A clock tests can move. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        MutableClock() {
            this(NOW);
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
