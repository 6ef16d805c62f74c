package dev.jwtagent.bench;

import dev.jwtagent.verify.VerifierSettings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One signed token and the verifier settings that accept it (HMAC secret, or a PEM file holding
 * the public key), plus the bare JCA check of that token's signature as a baseline.
 */
final class TokenFixture {
    final String alg;
    final String token;
    final VerifierSettings settings;
    private final Mac mac;
    private final byte[] secret;
    private final Signature signature;
    private final PrivateKey privateKey;

    TokenFixture(String alg) throws Exception {
        this.alg = alg;
        long now = Instant.now().getEpochSecond();
        String claims = Jws.claims("user-4711", now, 3600);
        VerifierSettings.Builder builder = VerifierSettings.builder()
                .issuers(List.of(Jws.ISSUER)).audiences(List.of(Jws.AUDIENCE));
        if (alg.startsWith("HS")) {
            secret = "benchmark-secret-of-at-least-32-bytes-0123456789".getBytes(StandardCharsets.UTF_8);
            token = Jws.hmac(alg, secret, claims);
            builder.secret(secret);
            mac = Mac.getInstance(Jws.macName(alg));
            mac.init(new SecretKeySpec(secret, mac.getAlgorithm()));
            signature = null;
            privateKey = null;
        } else {
            KeyPair pair = Jws.keyPair(alg);
            token = Jws.sign(alg, pair.getPrivate(), claims);
            Path pem = Files.createTempFile("bench-key", ".pem");
            pem.toFile().deleteOnExit();
            Files.write(pem, Jws.publicKeyPem(pair.getPublic()).getBytes(StandardCharsets.US_ASCII));
            builder.publicKeyFile(pem);
            privateKey = pair.getPrivate();
            secret = null;
            mac = null;
            signature = Signature.getInstance(Jws.signatureName(alg));
            signature.initVerify(pair.getPublic());
        }
        settings = builder.build();
    }

    /** Another token this fixture's settings accept, for {@code subject} (HMAC fixtures only). */
    String anotherToken(String subject) throws GeneralSecurityException {
        String claims = Jws.claims(subject, Instant.now().getEpochSecond(), 3600);
        return secret != null ? Jws.hmac(alg, secret, claims) : Jws.sign(alg, privateKey, claims);
    }

    /**
     * The floor under any verifier: split off and decode the signature, then one MAC or signature
     * check with a JCA object prepared once (not thread-safe: one fixture per benchmark thread).
     */
    boolean jcaCheck() throws GeneralSecurityException {
        int dot = token.lastIndexOf('.');
        byte[] input = token.substring(0, dot).getBytes(StandardCharsets.US_ASCII);
        byte[] sig = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        if (mac != null) {
            return MessageDigest.isEqual(mac.doFinal(input), sig);
        }
        signature.update(input);
        return signature.verify(sig);
    }
}
