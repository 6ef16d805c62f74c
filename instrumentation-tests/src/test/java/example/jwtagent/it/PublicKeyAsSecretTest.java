package example.jwtagent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The identity provider's public key given as the HMAC secret (its PEM file as secret-file, its text
 * in JWT_AGENT_SECRET, its JWKS document): anybody can read a public key, so anybody could sign
 * HS256 tokens the service accepts. It was taken as a secret like any other text, and a token
 * signed with the PEM text got in; now the JVM stops, naming the setting and quoting no key text.
 */
class PublicKeyAsSecretTest {

    @Test
    void aPublicKeyGivenAsTheSecretStopsTheJvm(@TempDir Path directory) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        RSAPublicKey publicKey = (RSAPublicKey) generator.generateKeyPair().getPublic();
        String body = Base64.getMimeEncoder().encodeToString(publicKey.getEncoded());
        String pemText = "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
        Path pem = Files.writeString(directory.resolve("idp-public.pem"), pemText);
        Path jwks = Files.writeString(directory.resolve("jwks.json"), "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"n\":\""
                + Base64.getUrlEncoder().withoutPadding().encodeToString(publicKey.getModulus().toByteArray()) + "\",\"e\":\"AQAB\"}]}");
        String keyText = body.substring(0, 40);

        List<List<String>> launches = List.of(
                List.of("-Djwt.agent.secret-file=" + pem, "secret-file"),
                List.of("-Djwt.agent.secret-file=" + jwks, "secret-file"),
                List.of("", "secret"));
        for (List<String> launch : launches) {
            Map<String, String> environment = launch.get(0).isEmpty() ? Map.of("JWT_AGENT_SECRET", pemText) : Map.of();
            AgentLaunch run = launch.get(0).isEmpty() ? AgentLaunch.run(StartupTest.Hello.class, null, environment)
                    : AgentLaunch.run(StartupTest.Hello.class, null, environment, launch.get(0));
            String output = run.stdout + run.stderr;
            assertNotEquals(0, run.exitCode, launch + " let the JVM start: " + run.stderr);
            assertFalse(run.stdout.contains("hello from the application"), run.stdout);
            assertEquals(1, run.agentLines().size(), run.stderr);
            assertTrue(run.agentLines().get(0).contains("refusing to start: jwt.agent." + launch.get(1) + ": "), run.stderr);
            assertFalse(output.contains(keyText) || output.contains("BEGIN"), "no key text: " + output);
        }
    }
}
