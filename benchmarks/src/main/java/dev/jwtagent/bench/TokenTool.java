package dev.jwtagent.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Key material and tokens for the whole-process benchmark, made with the JDK alone:
 * {@code java -cp benchmarks.jar dev.jwtagent.bench.TokenTool <dir> <count>} writes
 * {@code hs256.secret}, {@code rs256.pem} (public key), one repeated token per algorithm
 * ({@code hs256.token}, {@code rs256.token}) and {@code count} distinct tokens per algorithm
 * ({@code hs256-tokens.txt}, {@code rs256-tokens.txt}), all valid for two hours.
 */
public final class TokenTool {
    private TokenTool() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: TokenTool <output-dir> <distinct-token-count>");
            System.exit(2);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        int count = Integer.parseInt(args[1]);
        long now = Instant.now().getEpochSecond();
        long lifetime = 7200;

        byte[] random = new byte[36];
        new SecureRandom().nextBytes(random);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        byte[] secret = secretText.getBytes(StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("hs256.secret"), secretText + "\n");

        KeyPair rsa = Jws.keyPair("RS256");
        Files.writeString(dir.resolve("rs256.pem"), Jws.publicKeyPem(rsa.getPublic()));

        Files.writeString(dir.resolve("hs256.token"), Jws.hmac("HS256", secret, Jws.claims("user-0", now, lifetime)) + "\n");
        Files.writeString(dir.resolve("rs256.token"), Jws.sign("RS256", rsa.getPrivate(), Jws.claims("user-0", now, lifetime)) + "\n");

        List<String> hs = new ArrayList<>(count);
        List<String> rs = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            hs.add(Jws.hmac("HS256", secret, Jws.claims("user-" + i, now, lifetime)));
            rs.add(Jws.sign("RS256", rsa.getPrivate(), Jws.claims("user-" + i, now, lifetime)));
        }
        Files.write(dir.resolve("hs256-tokens.txt"), hs);
        Files.write(dir.resolve("rs256-tokens.txt"), rs);
    }
}
