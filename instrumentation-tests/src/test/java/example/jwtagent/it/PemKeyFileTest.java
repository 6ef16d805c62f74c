package example.jwtagent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A key file whose second key was cut short or damaged in copying (no END line, a comment line in
 * it, a misspelt END line): the block was passed over and the service started with one key of two,
 * refusing every token signed with the other, with only "(1 key)" in the startup line to tell.
 */
class PemKeyFileTest {

    @Test
    void aKeyBlockThatCannotBeReadStopsTheJvmNamingTheKey(@TempDir Path directory) throws Exception {
        String rsa = block(AdversarialKeys.RSA.getPublic().getEncoded());
        String ec = block(AdversarialKeys.EC.getPublic().getEncoded());
        List<String> damaged = List.of(
                rsa + ec.substring(0, ec.length() / 2),
                rsa + ec.replaceFirst("\n", "\n# the second key\n"),
                rsa + ec.replace("-----END PUBLIC KEY-----", "-----END PUBLIC  KEY-----"));
        int n = 0;
        for (String text : damaged) {
            Path file = Files.writeString(directory.resolve("keys-" + n++ + ".pem"), text, StandardCharsets.US_ASCII);
            AgentLaunch run = AgentLaunch.run(StartupTest.Hello.class, "public-key-file=" + file + ";issuer=" + Tokens.ISSUER, Map.of());
            assertNotEquals(0, run.exitCode, "started with a damaged key passed over: " + run.stderr);
            assertFalse(run.stdout.contains("hello from the application"), run.stdout);
            assertEquals(1, run.agentLines().size(), run.stderr);
            assertTrue(run.agentLines().get(0).contains("refusing to start: jwt.agent.public-key-file: a PUBLIC KEY block cannot be read"),
                    run.stderr);
        }
        Path both = Files.writeString(directory.resolve("both.pem"), "comment\n" + rsa + "between\n" + ec, StandardCharsets.US_ASCII);
        AgentLaunch run = AgentLaunch.run(StartupTest.Hello.class, "public-key-file=" + both + ";issuer=" + Tokens.ISSUER, Map.of());
        assertEquals(0, run.exitCode, run.stderr);
        assertTrue(run.stderr.contains("keys=public-key-file both.pem (2 keys)"), run.stderr);
    }

    private static String block(byte[] der) {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
    }
}
