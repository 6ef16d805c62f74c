package dev.jwtagent.bench;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs compact JWS tokens with the JDK alone, so that the benchmarks and the token tool share no
 * code with the agent they measure.
 */
public final class Jws {
    public static final String ISSUER = "https://issuer.bench.test";
    public static final String AUDIENCE = "bench";
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private Jws() {
    }

    /** A realistic access-token payload for {@code subject}, valid for {@code lifetimeSeconds}. */
    public static String claims(String subject, long nowSeconds, long lifetimeSeconds) {
        return "{\"iss\":\"" + ISSUER + "\",\"aud\":\"" + AUDIENCE + "\",\"sub\":\"" + subject + "\","
                + "\"iat\":" + nowSeconds + ",\"nbf\":" + nowSeconds + ",\"exp\":" + (nowSeconds + lifetimeSeconds) + ","
                + "\"jti\":\"" + subject + "-" + nowSeconds + "\",\"scope\":\"orders:read orders:write\","
                + "\"azp\":\"bench-client\"}";
    }

    public static String hmac(String alg, byte[] secret, String claimsJson) throws GeneralSecurityException {
        String input = signingInput(alg, claimsJson);
        Mac mac = Mac.getInstance(macName(alg));
        mac.init(new SecretKeySpec(secret, mac.getAlgorithm()));
        return input + "." + URL.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    public static String sign(String alg, PrivateKey key, String claimsJson) throws GeneralSecurityException {
        String input = signingInput(alg, claimsJson);
        Signature signature = Signature.getInstance(signatureName(alg));
        signature.initSign(key);
        signature.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + URL.encodeToString(signature.sign());
    }

    /** RS* tokens take an RSA key pair, ES256 a P-256 pair. */
    public static KeyPair keyPair(String alg) throws GeneralSecurityException {
        if (alg.startsWith("RS")) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        }
        if ("ES256".equals(alg)) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        }
        throw new IllegalArgumentException("no key pair for " + alg);
    }

    public static String publicKeyPem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** The JCA name of the MAC behind an HS* algorithm. */
    public static String macName(String alg) {
        return "Hmac" + "SHA" + alg.substring(2);
    }

    /** The JCA name of the signature behind RS* or ES256; ES256 in JOSE's raw R||S form. */
    public static String signatureName(String alg) {
        if (alg.startsWith("RS")) {
            return "SHA" + alg.substring(2) + "withRSA";
        }
        if ("ES256".equals(alg)) {
            return "SHA256withECDSAinP1363Format";
        }
        throw new IllegalArgumentException("unsupported " + alg);
    }

    private static String signingInput(String alg, String claimsJson) {
        String header = "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}";
        return URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + URL.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
    }
}
