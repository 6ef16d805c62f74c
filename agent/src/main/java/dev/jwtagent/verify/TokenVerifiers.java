package dev.jwtagent.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Builds the verifier for the configured key source. */
public final class TokenVerifiers {
    private static final long MAX_PEM_BYTES = 1024 * 1024;

    private TokenVerifiers() {
    }

    /**
     * Chooses the key source in SPEC order: secret, public-key-file, jwks-url, else OIDC discovery
     * for each issuer.
     *
     * @throws IllegalArgumentException with a one-line message naming the setting at fault
     */
    public static KeyedVerifier create(VerifierSettings settings) {
        return new JwtVerifier(settings, keySource(settings),
                new VerifiedTokenCache(VerifiedTokenCache.DEFAULT_MAX_ENTRIES, VerifiedTokenCache.DEFAULT_MAX_CHARS));
    }

    static KeySource keySource(VerifierSettings settings) {
        Set<String> allowed = allowedAlgorithms(settings.algorithms());
        byte[] secret = settings.secret();
        if (secret != null) {
            return secretSource(secret, allowed, settings.algorithms());
        }
        if (settings.publicKeyFile() != null) {
            return pemSource(settings.publicKeyFile(), allowed);
        }
        if (settings.jwksUrl() != null) {
            return RemoteKeySource.forJwksUrl(settings, remoteAlgorithms(allowed));
        }
        if (!settings.issuers().isEmpty()) {
            return RemoteKeySource.forIssuers(settings, remoteAlgorithms(allowed));
        }
        throw new IllegalArgumentException(
                "no key source: set one of secret, secret-file, public-key-file, jwks-url or issuer");
    }

    /** @param configured the algorithms setting as given: an HS algorithm named there must be usable with the secret */
    private static KeySource secretSource(byte[] secret, Set<String> allowed, List<String> configured) {
        if (secret.length < JwsAlgorithms.MIN_HMAC_BYTES) {
            throw new IllegalArgumentException("secret: must be at least " + JwsAlgorithms.MIN_HMAC_BYTES + " bytes");
        }
        for (String alg : configured.isEmpty() ? Set.<String>of() : allowed) {
            if (JwsAlgorithms.HMAC.contains(alg) && secret.length < JwsAlgorithms.hmacMinBytes(alg)) {
                throw new IllegalArgumentException("algorithms: " + alg + " needs a secret of at least " + JwsAlgorithms.hmacMinBytes(alg)
                        + " bytes (RFC 7518); the secret has " + secret.length);
            }
        }
        KeySet keys = new KeySet(List.of(VerificationKey.hmac(null, secret, allowed)));
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("algorithms: none of them can be verified with a secret (HS256, HS384, HS512)");
        }
        return new StaticKeySource("secret", "secret", keys);
    }

    private static KeySource pemSource(Path file, Set<String> allowed) {
        String text;
        try {
            if (Files.size(file) > MAX_PEM_BYTES) {
                throw new IllegalArgumentException("public-key-file: larger than 1 MiB");
            }
            // A stream rather than Files.readAllBytes, whose file channel classes a JVM has not loaded at startup.
            try (java.io.InputStream in = new java.io.FileInputStream(file.toFile())) {
                text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            }
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("public-key-file: cannot read " + file);
        }
        List<VerificationKey> keys = new ArrayList<>();
        try {
            for (PublicKey key : KeyMaterial.readPem(text)) {
                keys.add(VerificationKey.publicKey(null, key, allowed));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("public-key-file: " + e.getMessage());
        }
        KeySet keySet = new KeySet(keys);
        if (keySet.isEmpty()) {
            throw new IllegalArgumentException("algorithms: none of them can be verified with the keys in public-key-file");
        }
        return new StaticKeySource("pem", "public-key-file " + file.getFileName() + " (" + keySet.size()
                + (keySet.size() == 1 ? " key)" : " keys)"), keySet);
    }

    private static Set<String> remoteAlgorithms(Set<String> allowed) {
        Set<String> remote = new LinkedHashSet<>(allowed);
        remote.retainAll(JwsAlgorithms.ASYMMETRIC);
        if (remote.isEmpty()) {
            throw new IllegalArgumentException("algorithms: keys from jwks-url or OIDC discovery verify only "
                    + "RS*, PS* and ES* algorithms");
        }
        return remote;
    }

    /** The configured algorithms, validated; all supported ones when none are configured. */
    static Set<String> allowedAlgorithms(List<String> configured) {
        if (configured.isEmpty()) {
            return JwsAlgorithms.ALL;
        }
        Set<String> allowed = new LinkedHashSet<>();
        for (String alg : configured) {
            String name = alg.trim();
            if (name.toLowerCase(Locale.ROOT).equals("none")) {
                throw new IllegalArgumentException("algorithms: none is never accepted");
            }
            if (!JwsAlgorithms.ALL.contains(name)) {
                throw new IllegalArgumentException("algorithms: unsupported algorithm " + name
                        + " (supported: " + String.join(", ", JwsAlgorithms.ALL) + ")");
            }
            allowed.add(name);
        }
        return allowed;
    }
}
