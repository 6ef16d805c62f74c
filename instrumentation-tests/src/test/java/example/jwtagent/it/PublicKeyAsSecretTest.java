package example.jwtagent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
            String[] run = launch(launch.get(0), environment);
            String output = run[1] + run[2];
            assertNotEquals("0", run[0], launch + " let the JVM start: " + run[2]);
            assertFalse(run[1].contains("hello from the application"), run[1]);
            List<String> agentLines = new ArrayList<>();
            for (String line : run[2].split("\n")) {
                if (line.contains("jwt-agent")) {
                    agentLines.add(line);
                }
            }
            assertEquals(1, agentLines.size(), run[2]);
            assertTrue(agentLines.get(0).contains("refusing to start: jwt.agent." + launch.get(1) + ": "), run[2]);
            assertFalse(output.contains(keyText) || output.contains("BEGIN"), "no key text: " + output);
        }
    }

    /** {exit code, standard output, standard error} of {@link StartupTest.Hello} with the agent. */
    private static String[] launch(String systemProperty, Map<String, String> environment) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-javaagent:" + System.getProperty("agent.jar"));
        if (!systemProperty.isEmpty()) {
            command.add(systemProperty);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StartupTest.Hello.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("JWT_AGENT_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the JVM must end");
        return new String[] {String.valueOf(process.exitValue()), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8)};
    }
}
