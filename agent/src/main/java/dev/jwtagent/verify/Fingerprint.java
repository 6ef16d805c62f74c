package dev.jwtagent.verify;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** The only way a token may be named in logs: {@code sha256:} and the first 12 hex digits of its SHA-256. */
public final class Fingerprint {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Fingerprint() {
    }

    public static String of(String token) {
        if (token == null) {
            return "sha256:none";
        }
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
        StringBuilder sb = new StringBuilder(19).append("sha256:");
        for (int i = 0; i < 6; i++) {
            sb.append(HEX[(digest[i] >> 4) & 0xF]).append(HEX[digest[i] & 0xF]);
        }
        return sb.toString();
    }
}
