package example.jwtagent.it;

import com.auth0.jwt.algorithms.Algorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A secret file of random bytes (as {@code head -c 40 /dev/urandom} writes one) is the HMAC key byte
 * for byte: a token signed with those bytes is accepted, and one signed with the file read as text
 * (each invalid byte a replacement character, a key nobody was given) is refused. Before, the other
 * way round. Tomcat in a JVM of its own with the built jar.
 */
class BinarySecretFileTest {
    @Test
    void aBinarySecretFileIsTheKeyByteForByte(@TempDir Path directory) throws Exception {
        byte[] key = new byte[40];
        new SecureRandom().nextBytes(key);
        key[0] = (byte) 0xff;
        key[1] = (byte) 0x80;
        Path file = Files.write(directory.resolve("hmac.key"), key);
        byte[] readAsText = new String(key, StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        try (AgentChild child = AgentChild.start("binary-secret", List.of("secret-file=" + file,
                "issuer=" + Tokens.ISSUER, "audience=" + Tokens.AUDIENCE, "outbound.allowed-hosts=localhost")).awaitReady()) {
            RawHttp.Response accepted = RawHttp.get(child.baseUrl(), "/echo",
                    RawHttp.bearer(Tokens.signedWith(Algorithm.HMAC256(key), "alice", b -> { })));
            assertEquals(200, accepted.status, accepted + "\n" + child.output());
            assertEquals("alice", accepted.field("subject"));
            RawHttp.Response refused = RawHttp.get(child.baseUrl(), "/echo",
                    RawHttp.bearer(Tokens.signedWith(Algorithm.HMAC256(readAsText), "mallory", b -> { })));
            assertEquals(401, refused.status, refused.toString());
        }
    }
}
