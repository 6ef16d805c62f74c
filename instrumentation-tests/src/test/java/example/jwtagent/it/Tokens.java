package example.jwtagent.it;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.function.Consumer;

/** Signs test tokens with the secret the test JVM's agent is configured with. */
public final class Tokens {
    public static final String ISSUER = "https://issuer.test";
    public static final String AUDIENCE = "orders";

    private Tokens() {
    }

    public static byte[] secret() {
        try {
            return Files.readAllBytes(Paths.get(System.getProperty("it.secret.file")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A token the agent accepts: right issuer and audience, valid for ten minutes. */
    public static String valid(String subject) {
        return signed(subject, b -> { });
    }

    /** A valid HS256 token with changes applied on top (claims replaced, added or removed). */
    public static String signed(String subject, Consumer<JWTCreator.Builder> changes) {
        return signedWith(Algorithm.HMAC256(secret()), subject, changes);
    }

    public static String signedWith(Algorithm algorithm, String subject, Consumer<JWTCreator.Builder> changes) {
        Instant now = Instant.now();
        JWTCreator.Builder builder = JWT.create()
                .withIssuer(ISSUER)
                .withAudience(AUDIENCE)
                .withSubject(subject)
                .withIssuedAt(now)
                .withExpiresAt(now.plusSeconds(600));
        changes.accept(builder);
        return builder.sign(algorithm);
    }

    /** {@code text} with every token in it written as {@code <jwt>}: for a test's own output, which keeps tokens out as the agent's does. */
    static String masked(String text) {
        return text.replaceAll("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+", "<jwt>");
    }
}
