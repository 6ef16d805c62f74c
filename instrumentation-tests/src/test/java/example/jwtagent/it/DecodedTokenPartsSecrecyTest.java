package example.jwtagent.it;

import com.auth0.jwt.algorithms.Algorithm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC section 6 at log.level=debug, in enforce and monitor mode: every line the agent prints is
 * searched for each token's three segments (encoded and decoded: JSON a parser may quote in its
 * complaint), marker text placed in headers and claims (a kid, a wrong issuer, unparsable JSON),
 * and the HMAC secret; every fingerprint must be sha256 and 12 hex digits of the whole token, and
 * no 401 answer may quote a part of the token it refuses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DecodedTokenPartsSecrecyTest {
    private final List<AgentChild> children = new ArrayList<>();
    private Downstream downstream;

    @BeforeAll
    void start() throws Exception {
        for (String mode : List.of("enforce", "monitor")) {
            children.add(AgentChild.start("secrecy-" + mode, List.of("issuer=" + Tokens.ISSUER, "audience=" + Tokens.AUDIENCE,
                    "outbound.allowed-hosts=localhost", "log.level=debug", "mode=" + mode,
                    "secret-file=" + System.getProperty("it.secret.file"))));
        }
        for (AgentChild child : children) {
            child.awaitReady();
        }
        downstream = new Downstream();
    }

    @AfterAll
    void stop() throws Exception {
        downstream.close();
        for (AgentChild child : children) {
            child.close();
        }
    }

    private static String claims(String sub, String extra) {
        long now = Instant.now().getEpochSecond();
        return "{\"iss\":\"" + Tokens.ISSUER + "\",\"aud\":\"" + Tokens.AUDIENCE + "\",\"sub\":\"" + sub + "\",\"iat\":" + now
                + ",\"exp\":" + (now + 600) + extra + "}";
    }

    private final StringBuilder responses = new StringBuilder();

    @Test
    void noTokenPartNorTheSecretReachesAnyLine() throws Exception {
        Algorithm right = Algorithm.HMAC256(Tokens.secret());
        Algorithm wrong = Algorithm.HMAC256("another-secret-of-at-least-32-bytes-long!!".getBytes(StandardCharsets.UTF_8));
        Map<String, String> tokens = new LinkedHashMap<>();
        String hs = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
        tokens.put("forged", RawJws.sign(wrong, hs, claims("forgeduser", ",\"mk\":\"MARKFORGEDCLAIM\"")));
        long past = Instant.now().getEpochSecond() - 3600;
        tokens.put("expired", RawJws.sign(right, hs, "{\"iss\":\"" + Tokens.ISSUER + "\",\"aud\":\"" + Tokens.AUDIENCE
                + "\",\"sub\":\"olduser\",\"iat\":" + (past - 600) + ",\"exp\":" + past + ",\"mk\":\"MARKEXPIREDCLAIM\"}"));
        tokens.put("badkid", RawJws.sign(right, "{\"alg\":\"HS256\",\"kid\":\"MARKKIDVALUE\"}", claims("kiduser", ",\"mk\":\"MARKKIDCLAIM\"")));
        tokens.put("badkid-rs", RawJws.sign(wrong, "{\"alg\":\"RS256\",\"kid\":\"MARKRSKID\"}", claims("rsuser", ",\"mk\":\"MARKRSCLAIM\"")));
        tokens.put("badjsonheader", RawJws.sign(right, "{\"alg\":\"HS256\",\"x\":\"MARKBADHEADERJSON", claims("u1", "")));
        tokens.put("badjsonpayload", RawJws.sign(right, hs, "{\"sub\":\"MARKBADPAYLOADJSON"));
        tokens.put("payloadstring", RawJws.sign(right, hs, "\"MARKPAYLOADSTRING\""));
        tokens.put("wrongiss", RawJws.sign(right, hs, claims("u2", ",\"mk\":\"MARKISS\"").replace(Tokens.ISSUER, "https://MARKWRONGISSUER")));
        tokens.put("wrongaud", RawJws.sign(right, hs, claims("u3", "").replace("\"aud\":\"" + Tokens.AUDIENCE, "\"aud\":\"MARKWRONGAUD")));
        tokens.put("nonealg", RawJws.b64("{\"alg\":\"none\"}") + "." + RawJws.b64(claims("u4", ",\"mk\":\"MARKNONE\"")) + ".");
        tokens.put("twoparts", RawJws.b64(hs) + "." + RawJws.b64(claims("u5", ",\"mk\":\"MARKTWOPARTS\"")));
        tokens.put("badb64sig", RawJws.sign(right, hs, claims("u6", ",\"mk\":\"MARKBADSIG\"")) + "!!");
        String valid = RawJws.sign(right, hs, claims("validuser", ",\"mk\":\"MARKVALIDCLAIM\""));
        long soon = Instant.now().getEpochSecond() - 5;
        String expiring = RawJws.sign(right, hs, "{\"iss\":\"" + Tokens.ISSUER + "\",\"aud\":\"" + Tokens.AUDIENCE
                + "\",\"sub\":\"erin\",\"iat\":" + (soon - 60) + ",\"exp\":" + soon + ",\"mk\":\"MARKEXPIRINGCLAIM\"}");

        for (AgentChild child : children) {
            for (Map.Entry<String, String> e : tokens.entrySet()) {
                RawHttp.Response r = RawHttp.get(child.baseUrl(), "/echo", RawHttp.bearer(e.getValue()));
                responses.append(e.getKey()).append(" -> ").append(r.toString().replace(e.getValue(), "<TOKEN-ECHOED>")).append("\n----\n");
                for (String part : e.getValue().split("\\.")) {
                    if (part.length() >= 8 && r.status == 401 && r.toString().contains(part)) {
                        responses.append("!!! 401 response contains part of ").append(e.getKey()).append('\n');
                    }
                }
            }
            RawHttp.get(child.baseUrl(), "/echo", "Authorization: Bearer " + valid + " extra");
            RawHttp.get(child.baseUrl(), "/echo", "Authorization: Bearer  " + valid);
            RawHttp.get(child.baseUrl(), "/echo", "Authorization: " + valid);
            RawHttp.get(child.baseUrl(), "/echo", RawHttp.bearer(valid), RawHttp.bearer(expiring));
            RawHttp.get(child.baseUrl(), "/echo?access_token=" + valid);
            for (String url : List.of(downstream.allowedUrl("/ok"), downstream.notAllowedUrl("/no"))) {
                RawHttp.Response r = RawHttp.get(child.baseUrl(), "/call?client=url-connection&url=" + URLEncoder.encode(url, StandardCharsets.UTF_8),
                        RawHttp.bearer(valid));
                assertEquals(200, r.status, r.toString());
                downstream.take();
            }
            RawHttp.get(child.baseUrl(), "/call?client=url-connection&url=" + URLEncoder.encode(downstream.allowedUrl("/exp"), StandardCharsets.UTF_8),
                    RawHttp.bearer(expiring));
            downstream.take();
            RawHttp.get(child.baseUrl(), "/call?client=url-connection&url=" + URLEncoder.encode(downstream.allowedUrl("/own"), StandardCharsets.UTF_8)
                    + "&auth=" + URLEncoder.encode("Bearer " + valid, StandardCharsets.UTF_8), RawHttp.bearer(valid));
            downstream.take();
        }
        Thread.sleep(1500);
        System.out.println("==== responses ====\n" + responses);
        assertFalse(responses.toString().contains("!!!"), responses.toString());
        List<String> all = new ArrayList<>(tokens.values());
        all.add(valid);
        all.add(expiring);
        List<String> needles = new ArrayList<>();
        for (String t : all) {
            needles.add(t);
            for (String part : t.split("\\.", -1)) {
                if (part.length() >= 8 && !part.equals(RawJws.b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"))) {
                    needles.add(part);
                    try {
                        String decoded = new String(Base64.getUrlDecoder().decode(part.replace("!", "")), StandardCharsets.UTF_8);
                        if (decoded.length() >= 8) {
                            needles.add(decoded);
                        }
                    } catch (IllegalArgumentException notBase64) {
                        // the damaged signature
                    }
                }
            }
        }
        for (String marker : List.of("MARKFORGEDCLAIM", "MARKEXPIREDCLAIM", "MARKKIDVALUE", "MARKKIDCLAIM", "MARKRSKID", "MARKRSCLAIM",
                "MARKBADHEADERJSON", "MARKBADPAYLOADJSON", "MARKPAYLOADSTRING", "MARKISS", "MARKWRONGISSUER", "MARKWRONGAUD", "MARKNONE",
                "MARKTWOPARTS", "MARKBADSIG", "MARKVALIDCLAIM", "MARKEXPIRINGCLAIM")) {
            needles.add(marker);
        }
        byte[] secret = Tokens.secret();
        needles.add(new String(secret, StandardCharsets.UTF_8).strip());
        needles.add(Base64.getEncoder().encodeToString(secret));
        needles.add(Base64.getUrlEncoder().withoutPadding().encodeToString(secret));

        Pattern fp = Pattern.compile("sha256:([0-9a-zA-Z]*)");
        for (AgentChild child : children) {
            String output = child.output();
            List<String> found = new ArrayList<>();
            for (String needle : needles) {
                int at = output.indexOf(needle);
                if (at >= 0) {
                    int lineStart = output.lastIndexOf('\n', at) + 1;
                    int lineEnd = output.indexOf('\n', at);
                    found.add(needle.length() > 40 ? needle.substring(0, 40) + "..." : needle);
                    found.add("   in: " + output.substring(lineStart, lineEnd < 0 ? output.length() : lineEnd).replace(needle, "<HIT>"));
                }
            }
            Matcher m = fp.matcher(output);
            List<String> badFingerprints = new ArrayList<>();
            while (m.find()) {
                if (!m.group(1).matches("[0-9a-f]{12}")) {
                    badFingerprints.add(m.group());
                }
            }
            System.out.println("==== output of child ====\n" + output);
            assertTrue(found.isEmpty(), "token material or secret in output: " + String.join("\n", found));
            assertTrue(badFingerprints.isEmpty(), "bad fingerprints: " + badFingerprints);
            for (String name : List.of("forged", "expired", "badkid")) {
                assertTrue(output.contains(RawJws.fingerprint(tokens.get(name))), name + " named by the fingerprint of the whole token");
            }
        }
    }
}
