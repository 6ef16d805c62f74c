package example.jwtagent.it;

import com.auth0.jwt.algorithms.Algorithm;
import example.jwtagent.it.ChildAgents.Target;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static example.jwtagent.it.RawJws.b64;
import static example.jwtagent.it.RawJws.header;
import static example.jwtagent.it.RawJws.json;
import static example.jwtagent.it.RawJws.raw;

/**
 * The hostile inputs, as one table: for each case the agent it runs against, its family, the
 * request headers (and query) that carry it, and the answer SPEC section 3 names. Every case is
 * sent as {@code /call?client=url-connection&url=<downstream>}, so a request that got through
 * would be seen downstream. The families are listed in the README's security section.
 */
final class AdversarialCases {
    static final String PARSING = "parsing";
    static final String ALGORITHM = "algorithm and key";
    static final String CLAIMS = "claims";
    static final String HTTP = "HTTP";

    static final String MALFORMED = "malformed token";
    static final String TOO_LARGE = "token too large";
    static final String ALG_NOT_ALLOWED = "algorithm not allowed";
    static final String BAD_SIGNATURE = "bad signature";
    static final String UNKNOWN_KEY = "unknown key";
    static final String EXPIRED = "token expired";
    static final String NOT_YET_VALID = "token not yet valid";
    static final String ISSUED_IN_FUTURE = "token issued in the future";
    static final String NO_EXP = "token has no exp claim";
    static final String WRONG_ISSUER = "wrong issuer";
    static final String WRONG_AUDIENCE = "wrong audience";
    static final String MISSING_CLAIM = "missing required claim";
    static final String CRIT = "unsupported critical header";
    static final String DUPLICATE = "duplicate JSON member";
    static final String MALFORMED_HEADER = "malformed Authorization header";
    static final String TWO_HEADERS = "more than one Authorization header";

    /** P-256 group order n: ECDSA r and s must lie in [1, n-1]. */
    private static final BigInteger P256_ORDER =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    /** One hostile (or control) request and the answer it must get. */
    static final class Case {
        final Target target;
        final String family;
        final String name;
        final List<String> headers;
        final String query;
        /** 200: the application runs; 401/400: the agent answers; a container answer has no error. */
        final int status;
        /** {@code invalid_token} or {@code invalid_request}; null when the application (or the container) answers. */
        final String error;
        final String description;
        /** For accepted cases: the subject the application sees (null: no token) and the token sent downstream. */
        final String subject;
        final String propagated;
        /** Every token this case sends, for the leak checks. */
        final List<String> material;
        /** The token the agent must name (by fingerprint) when it rejects the case after reading it. */
        final String named;

        private Case(Target target, String family, String name, List<String> headers, String query, int status,
                     String error, String description, String subject, String propagated, List<String> material, String named) {
            this.target = target;
            this.family = family;
            this.name = name;
            this.headers = headers;
            this.query = query;
            this.status = status;
            this.error = error;
            this.description = description;
            this.subject = subject;
            this.propagated = propagated;
            this.material = material;
            this.named = named;
        }

        boolean agentAnswers() {
            return error != null;
        }

        String expectedWwwAuthenticate() {
            return "Bearer error=\"" + error + "\", error_description=\"" + description + "\"";
        }

        String expectation() {
            return status == 200 ? "accepted" + (propagated == null ? ", no token" : "")
                    : error == null ? status + " from the container" : status + " " + error + " \"" + description + "\"";
        }

        @Override
        public String toString() {
            return target.name().toLowerCase(java.util.Locale.ROOT) + " | " + family + " | " + name + " -> " + expectation();
        }
    }

    private static List<Case> all;
    private static MockWebServer attacker;

    private AdversarialCases() {
    }

    static synchronized List<Case> all() {
        if (all == null) {
            List<Case> cases = new ArrayList<>();
            secretCases(cases);
            pemCases(cases);
            jwksCases(cases);
            all = Collections.unmodifiableList(cases);
        }
        return all;
    }

    static List<Case> forTarget(Target target) {
        List<Case> selected = new ArrayList<>();
        for (Case c : all()) {
            if (c.target == target) {
                selected.add(c);
            }
        }
        return selected;
    }

    /** A token the given agent accepts, signed with the service's own key. */
    static String good(Target target, String subject) {
        switch (target) {
            case SECRET:
                return Tokens.valid(subject);
            case PEM:
                return sign(AdversarialKeys.rs256(AdversarialKeys.RSA), header("RS256"), claims(subject, "tenant", "t1"));
            default:
                return sign(AdversarialKeys.rs256(AdversarialKeys.RSA), header("RS256", "kid", AdversarialKeys.RSA_KID), claims(subject));
        }
    }

    /**
     * A server that an attacker controls and names in {@code jku}, {@code x5u} or {@code kid}: it
     * would serve the attacker's keys. The agent must never fetch from it.
     */
    static synchronized MockWebServer attacker() {
        if (attacker == null) {
            attacker = new MockWebServer();
            attacker.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    return new MockResponse.Builder().code(200).body(AdversarialKeys.attackerJwks("attacker-1")).build();
                }
            });
            try {
                attacker.start(InetAddress.getByName("127.0.0.1"), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return attacker;
    }

    private static String attackerUrl(String path) {
        return "http://localhost:" + attacker().getPort() + path;
    }

    // ---- the table ---------------------------------------------------------------------------

    private static void secretCases(List<Case> cases) {
        Target s = Target.SECRET;
        Algorithm hs256 = Algorithm.HMAC256(Tokens.secret());
        String valid = Tokens.valid("mallory");
        String[] parts = valid.split("\\.");
        String validClaims = json(claims("mallory"));

        // parsing
        reject(cases, s, PARSING, "one segment", MALFORMED, parts[0]);
        reject(cases, s, PARSING, "two segments", MALFORMED, parts[0] + "." + parts[1]);
        reject(cases, s, PARSING, "four segments", MALFORMED, valid + "." + parts[2]);
        reject(cases, s, PARSING, "five segments (JWE shape)", MALFORMED, valid + "." + parts[1] + "." + parts[2]);
        reject(cases, s, PARSING, "empty segments", MALFORMED, "..");
        reject(cases, s, PARSING, "padding after the signature", MALFORMED, valid + "=");
        reject(cases, s, PARSING, "signature in the standard base64 alphabet (+ and /)", MALFORMED, standardAlphabet(hs256));
        reject(cases, s, PARSING, "header segment with '+' and '/'", MALFORMED, "eyJh+/ciOiJIUzI1NiJ9." + parts[1] + "." + parts[2]);
        reject(cases, s, PARSING, "non-zero trailing bits in base64url", MALFORMED, parts[0] + "." + parts[1] + "." + flipTrailingBits(parts[2]));
        badRequest(cases, s, PARSING, "padding inside the token", MALFORMED_HEADER, parts[0] + "=." + parts[1] + "." + parts[2]);
        badRequest(cases, s, PARSING, "space inside the token", MALFORMED_HEADER, parts[0] + ". " + parts[1] + "." + parts[2]);
        reject(cases, s, PARSING, "header is JSON null", MALFORMED, RawJws.sign(hs256, "null", validClaims));
        reject(cases, s, PARSING, "header is a JSON array", MALFORMED, RawJws.sign(hs256, "[\"HS256\"]", validClaims));
        reject(cases, s, PARSING, "header without alg", MALFORMED, RawJws.sign(hs256, "{\"typ\":\"JWT\"}", validClaims));
        reject(cases, s, PARSING, "alg is a number", MALFORMED, RawJws.sign(hs256, "{\"alg\":256}", validClaims));
        reject(cases, s, PARSING, "header is not JSON", MALFORMED, RawJws.sign(hs256, "{alg:HS256}", validClaims));
        reject(cases, s, PARSING, "trailing data after the header object", MALFORMED, RawJws.sign(hs256, "{\"alg\":\"HS256\"}{}", validClaims));
        for (String payload : new String[] {"null", "[]", "42", "\"mallory\"", "true", ""}) {
            reject(cases, s, PARSING, "payload is " + (payload.isEmpty() ? "empty" : payload), MALFORMED,
                    RawJws.sign(hs256, json(header("HS256")), payload));
        }
        byte[][] badUtf8 = {{(byte) 0xC3, 0x28}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFF}};
        String[] badUtf8Names = {"truncated sequence", "overlong encoding", "UTF-16 surrogate", "byte 0xFF"};
        for (int i = 0; i < badUtf8.length; i++) {
            reject(cases, s, PARSING, "invalid UTF-8 in the payload: " + badUtf8Names[i], MALFORMED,
                    RawJws.sign(hs256, json(header("HS256")).getBytes(StandardCharsets.UTF_8), withBytesInSubject(badUtf8[i])));
        }
        reject(cases, s, PARSING, "invalid UTF-8 in the header", MALFORMED, RawJws.sign(hs256,
                concat("{\"alg\":\"HS256\",\"x\":\"".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xC3, 0x28}, "\"}".getBytes(StandardCharsets.US_ASCII)),
                validClaims.getBytes(StandardCharsets.UTF_8)));
        reject(cases, s, PARSING, "payload nested 40 deep", MALFORMED, hs(hs256, header("HS256"), c -> c.put("deep", raw(nested(40)))));
        reject(cases, s, PARSING, "header nested 40 deep", MALFORMED, hs(hs256, header("HS256", "x", raw(nested(40))), c -> { }));
        accept(cases, s, PARSING, "payload nested 20 deep (within the limit)", hs(hs256, header("HS256"), c -> {
            c.put("sub", "alice");
            c.put("deep", raw(nested(20)));
        }), "alice");
        reject(cases, s, PARSING, "a 150-digit number", MALFORMED, hs(hs256, header("HS256"), c -> c.put("n", raw("1" + "0".repeat(149)))));
        reject(cases, s, PARSING, "a 150-digit exp", MALFORMED, hs(hs256, header("HS256"), c -> c.put("exp", raw("9".repeat(150)))));
        reject(cases, s, PARSING, "one character over max-token-size", TOO_LARGE, padTo(hs256, 4097));
        reject(cases, s, PARSING, "6000-character signed token", TOO_LARGE, padTo(hs256, 6000));
        reject(cases, s, PARSING, "5000 characters of garbage", TOO_LARGE, "A".repeat(5000));
        String huge = "A".repeat(100_000);
        cases.add(new Case(s, PARSING, "100 KB token: beyond the container's header limit", List.of(RawHttp.bearer(huge)), "",
                400, null, null, null, null, List.of(), null));

        // algorithm and key
        for (String none : new String[] {"none", "None", "NONE", "nOnE"}) {
            reject(cases, s, ALGORITHM, "alg " + none + " without signature", ALG_NOT_ALLOWED,
                    b64(json(header(none))) + "." + parts[1] + ".");
        }
        String noneHeader = b64(json(header("none")));
        reject(cases, s, ALGORITHM, "alg none with an HMAC signature", ALG_NOT_ALLOWED,
                noneHeader + "." + parts[1] + "." + RawJws.signature(hs256, noneHeader, parts[1]));
        reject(cases, s, ALGORITHM, "alg empty", ALG_NOT_ALLOWED, hs(hs256, header(""), c -> { }));
        reject(cases, s, ALGORITHM, "alg HS256 with a trailing space", ALG_NOT_ALLOWED, hs(hs256, header("HS256 "), c -> { }));
        reject(cases, s, ALGORITHM, "RS256 token to an HMAC-only agent", ALG_NOT_ALLOWED,
                sign(AdversarialKeys.rs256(AdversarialKeys.ATTACKER_RSA), header("RS256"), claims("mallory")));
        reject(cases, s, ALGORITHM, "ES256 token to an HMAC-only agent", ALG_NOT_ALLOWED,
                sign(AdversarialKeys.es256(AdversarialKeys.ATTACKER_EC), header("ES256"), claims("mallory")));
        Algorithm attackerSecret = Algorithm.HMAC256("attacker-secret-attacker-secret-attacker!");
        reject(cases, s, ALGORITHM, "embedded oct jwk with the attacker's secret", BAD_SIGNATURE,
                sign(attackerSecret, header("HS256", "jwk", Map.of("kty", "oct", "k", b64("attacker-secret-attacker-secret-attacker!"))), claims("mallory")));
        reject(cases, s, ALGORITHM, "jku naming the attacker's key set", BAD_SIGNATURE,
                sign(attackerSecret, header("HS256", "jku", attackerUrl("/jwks.json"), "kid", "attacker-1"), claims("mallory")));
        reject(cases, s, ALGORITHM, "kid with path traversal, wrong secret", BAD_SIGNATURE,
                sign(attackerSecret, header("HS256", "kid", "../../../../../../dev/null"), claims("mallory")));
        reject(cases, s, ALGORITHM, "signature stripped", BAD_SIGNATURE, parts[0] + "." + parts[1] + ".");
        reject(cases, s, ALGORITHM, "signature of another token", BAD_SIGNATURE,
                parts[0] + "." + Tokens.valid("admin").split("\\.")[1] + "." + parts[2]);

        // claims
        reject(cases, s, CLAIMS, "exp missing", NO_EXP, hs(hs256, header("HS256"), c -> c.remove("exp")));
        reject(cases, s, CLAIMS, "exp null", NO_EXP, hs(hs256, header("HS256"), c -> c.put("exp", null)));
        reject(cases, s, CLAIMS, "exp a string", MALFORMED, hs(hs256, header("HS256"), c -> c.put("exp", String.valueOf(now() + 600))));
        reject(cases, s, CLAIMS, "exp a boolean", MALFORMED, hs(hs256, header("HS256"), c -> c.put("exp", true)));
        reject(cases, s, CLAIMS, "exp an array", MALFORMED, hs(hs256, header("HS256"), c -> c.put("exp", List.of(now() + 600))));
        reject(cases, s, CLAIMS, "exp a float in the past", EXPIRED, hs(hs256, header("HS256"), c -> c.put("exp", raw((now() - 600) + ".5"))));
        accept(cases, s, CLAIMS, "exp a float in the future (NumericDate allows fractions)",
                hs(hs256, header("HS256"), c -> { c.put("sub", "alice"); c.put("exp", raw((now() + 600) + ".5")); }), "alice");
        accept(cases, s, CLAIMS, "exp huge (10^30: clamped, the signature is ours)",
                hs(hs256, header("HS256"), c -> { c.put("sub", "alice"); c.put("exp", raw("1" + "0".repeat(30))); }), "alice");
        reject(cases, s, CLAIMS, "exp hugely negative", EXPIRED, hs(hs256, header("HS256"), c -> c.put("exp", raw("-1" + "0".repeat(30)))));
        reject(cases, s, CLAIMS, "exp 0", EXPIRED, hs(hs256, header("HS256"), c -> c.put("exp", 0)));
        reject(cases, s, CLAIMS, "nbf in the future", NOT_YET_VALID, hs(hs256, header("HS256"), c -> c.put("nbf", now() + 600)));
        reject(cases, s, CLAIMS, "nbf a string", MALFORMED, hs(hs256, header("HS256"), c -> c.put("nbf", "0")));
        reject(cases, s, CLAIMS, "iat in the future", ISSUED_IN_FUTURE, hs(hs256, header("HS256"), c -> c.put("iat", now() + 600)));
        reject(cases, s, CLAIMS, "aud missing", WRONG_AUDIENCE, hs(hs256, header("HS256"), c -> c.remove("aud")));
        reject(cases, s, CLAIMS, "aud wrong", WRONG_AUDIENCE, hs(hs256, header("HS256"), c -> c.put("aud", "billing")));
        reject(cases, s, CLAIMS, "aud in another case", WRONG_AUDIENCE, hs(hs256, header("HS256"), c -> c.put("aud", "ORDERS")));
        reject(cases, s, CLAIMS, "aud numeric", WRONG_AUDIENCE, hs(hs256, header("HS256"), c -> c.put("aud", 42)));
        reject(cases, s, CLAIMS, "aud null", WRONG_AUDIENCE, hs(hs256, header("HS256"), c -> c.put("aud", null)));
        reject(cases, s, CLAIMS, "aud array without ours", WRONG_AUDIENCE, hs(hs256, header("HS256"), c -> c.put("aud", List.of("billing", "shipping"))));
        reject(cases, s, CLAIMS, "aud array with ours and a number", WRONG_AUDIENCE, hs(hs256, header("HS256"), c -> c.put("aud", List.of(7, "orders"))));
        reject(cases, s, CLAIMS, "aud empty array", WRONG_AUDIENCE, hs(hs256, header("HS256"), c -> c.put("aud", List.of())));
        accept(cases, s, CLAIMS, "aud array with ours", hs(hs256, header("HS256"), c -> {
            c.put("sub", "alice");
            c.put("aud", List.of("billing", "orders"));
        }), "alice");
        reject(cases, s, CLAIMS, "iss wrong", WRONG_ISSUER, hs(hs256, header("HS256"), c -> c.put("iss", "https://evil.test")));
        reject(cases, s, CLAIMS, "iss with a trailing slash", WRONG_ISSUER, hs(hs256, header("HS256"), c -> c.put("iss", Tokens.ISSUER + "/")));
        reject(cases, s, CLAIMS, "iss missing", WRONG_ISSUER, hs(hs256, header("HS256"), c -> c.remove("iss")));
        reject(cases, s, CLAIMS, "iss numeric", WRONG_ISSUER, hs(hs256, header("HS256"), c -> c.put("iss", 42)));
        reject(cases, s, CLAIMS, "iss an array holding ours", WRONG_ISSUER, hs(hs256, header("HS256"), c -> c.put("iss", List.of(Tokens.ISSUER))));
        reject(cases, s, CLAIMS, "sub numeric", MALFORMED, hs(hs256, header("HS256"), c -> c.put("sub", 42)));
        reject(cases, s, CLAIMS, "crit naming a claim", CRIT, hs(hs256, header("HS256", "crit", List.of("exp")), c -> { }));
        reject(cases, s, CLAIMS, "crit empty", CRIT, hs(hs256, header("HS256", "crit", List.of()), c -> { }));
        reject(cases, s, CLAIMS, "crit naming an unknown header", CRIT, hs(hs256, header("HS256", "crit", List.of("x-hop"), "x-hop", 1), c -> { }));
        String claimsBody = validClaims.substring(1, validClaims.length() - 1);
        reject(cases, s, CLAIMS, "duplicate sub", DUPLICATE, RawJws.sign(hs256, json(header("HS256")),
                "{\"sub\":\"mallory\"," + claimsBody + "}"));
        reject(cases, s, CLAIMS, "duplicate exp (expired first, valid last)", DUPLICATE, RawJws.sign(hs256, json(header("HS256")),
                "{\"exp\":1," + claimsBody + "}"));
        reject(cases, s, CLAIMS, "duplicate aud", DUPLICATE, RawJws.sign(hs256, json(header("HS256")),
                "{" + claimsBody + ",\"aud\":\"billing\"}"));
        reject(cases, s, CLAIMS, "duplicate member in a nested object", DUPLICATE, RawJws.sign(hs256, json(header("HS256")),
                "{" + claimsBody + ",\"x\":{\"role\":\"user\",\"role\":\"admin\"}}"));
        reject(cases, s, CLAIMS, "duplicate alg in the header", DUPLICATE, RawJws.sign(hs256, "{\"alg\":\"none\",\"alg\":\"HS256\"}", validClaims));

        // HTTP
        String alice = Tokens.valid("alice");
        String bob = Tokens.valid("bob");
        accept(cases, s, HTTP, "lower-case header name and scheme", List.of("authorization: bearer " + alice), "", "alice", alice, List.of(alice));
        accept(cases, s, HTTP, "upper-case header name and scheme", List.of("AUTHORIZATION: BEARER " + alice), "", "alice", alice, List.of(alice));
        accept(cases, s, HTTP, "mixed-case scheme", List.of("Authorization: bEaReR " + alice), "", "alice", alice, List.of(alice));
        accept(cases, s, HTTP, "two spaces after the scheme (1*SP)", List.of("Authorization: Bearer  " + alice), "", "alice", alice, List.of(alice));
        badRequest(cases, s, HTTP, "tab after the scheme", MALFORMED_HEADER, List.of("Authorization: Bearer\t" + alice), List.of(alice));
        badRequest(cases, s, HTTP, "scheme without a token", MALFORMED_HEADER, List.of("Authorization: Bearer"), List.of());
        badRequest(cases, s, HTTP, "a colon after the scheme", MALFORMED_HEADER, List.of("Authorization: Bearer:" + alice), List.of(alice));
        badRequest(cases, s, HTTP, "a comma after the scheme", MALFORMED_HEADER, List.of("Authorization: Bearer," + alice), List.of(alice));
        badRequest(cases, s, HTTP, "two tokens in one header", MALFORMED_HEADER, List.of("Authorization: Bearer " + alice + " " + bob), List.of(alice, bob));
        badRequest(cases, s, HTTP, "two tokens separated by a comma", MALFORMED_HEADER, List.of("Authorization: Bearer " + alice + ", Bearer " + bob), List.of(alice, bob));
        badRequest(cases, s, HTTP, "two Authorization headers", TWO_HEADERS, List.of(RawHttp.bearer(alice), RawHttp.bearer(bob)), List.of(alice, bob));
        badRequest(cases, s, HTTP, "two Authorization headers, Basic and Bearer", TWO_HEADERS,
                List.of("Authorization: Basic YWxpY2U6c2VjcmV0", RawHttp.bearer(alice)), List.of(alice));
        badRequest(cases, s, HTTP, "two Authorization headers, one of them empty", TWO_HEADERS,
                List.of("Authorization:", RawHttp.bearer(alice)), List.of(alice));
        accept(cases, s, HTTP, "token only in the query string (ignored)", List.of(), "&access_token=" + alice, null, null, List.of(alice));
        accept(cases, s, HTTP, "token in the header and another in the query (header used)", List.of(RawHttp.bearer(alice)),
                "&access_token=" + bob, "alice", alice, List.of(alice, bob));
        accept(cases, s, HTTP, "token in another header (ignored)", List.of("X-Authorization: Bearer " + alice), "", null, null, List.of(alice));
        accept(cases, s, HTTP, "scheme glued to the token is another scheme (ignored)", List.of("Authorization: Bearer" + alice), "", null, null, List.of(alice));
        accept(cases, s, HTTP, "Basic credentials belong to the application", List.of("Authorization: Basic YWxpY2U6c2VjcmV0"), "", null, null, List.of());
    }

    private static void pemCases(List<Case> cases) {
        Target p = Target.PEM;
        Algorithm rs256 = AdversarialKeys.rs256(AdversarialKeys.RSA);
        Algorithm es256 = AdversarialKeys.es256(AdversarialKeys.EC);
        Algorithm attackerEc = AdversarialKeys.es256(AdversarialKeys.ATTACKER_EC);
        Algorithm attackerRsa = AdversarialKeys.rs256(AdversarialKeys.ATTACKER_RSA);
        Map<String, Object> claims = claims("mallory", "tenant", "t1");

        accept(cases, p, ALGORITHM, "RS256 with the service's key (control)", sign(rs256, header("RS256"), claims("alice", "tenant", "t1")), "alice");
        accept(cases, p, ALGORITHM, "PS256 with the service's key (control)", ps256(header("PS256"), claims("alice", "tenant", "t1")), "alice");
        accept(cases, p, ALGORITHM, "ES256 with the service's key (control)", sign(es256, header("ES256"), claims("alice", "tenant", "t1")), "alice");
        reject(cases, p, ALGORITHM, "HS256 signed with the PEM text as the secret", ALG_NOT_ALLOWED,
                sign(Algorithm.HMAC256(AdversarialKeys.pemBlock(AdversarialKeys.RSA)), header("HS256"), claims));
        reject(cases, p, ALGORITHM, "HS256 signed with the DER public key as the secret", ALG_NOT_ALLOWED,
                sign(Algorithm.HMAC256(AdversarialKeys.RSA.getPublic().getEncoded()), header("HS256"), claims));
        String rsToken = sign(rs256, header("RS256"), claims);
        String[] rs = rsToken.split("\\.");
        reject(cases, p, ALGORITHM, "RS256 signature relabelled PS256", BAD_SIGNATURE, b64(json(header("PS256"))) + "." + rs[1] + "." + rs[2]);
        reject(cases, p, ALGORITHM, "RS256 signature relabelled RS512", BAD_SIGNATURE, b64(json(header("RS512"))) + "." + rs[1] + "." + rs[2]);
        reject(cases, p, ALGORITHM, "re-signed with another family (ES256, attacker's key)", BAD_SIGNATURE, sign(attackerEc, header("ES256"), claims));
        reject(cases, p, ALGORITHM, "re-signed with the attacker's RSA key", BAD_SIGNATURE, sign(attackerRsa, header("RS256"), claims));
        String esToken = sign(es256, header("ES256"), claims);
        String[] es = esToken.split("\\.");
        reject(cases, p, ALGORITHM, "ES256 signature relabelled ES384 (no P-384 key)", ALG_NOT_ALLOWED, b64(json(header("ES384"))) + "." + es[1] + "." + es[2]);
        byte[] rAndS = java.util.Base64.getUrlDecoder().decode(es[2]);
        byte[] r = Arrays.copyOfRange(rAndS, 0, 32);
        byte[] sPart = Arrays.copyOfRange(rAndS, 32, 64);
        byte[] zero = new byte[32];
        byte[] order = AdversarialKeys.unsigned(P256_ORDER, 32);
        byte[] ones = new byte[32];
        Arrays.fill(ones, (byte) 0xFF);
        String signingInput = es[0] + "." + es[1] + ".";
        reject(cases, p, ALGORITHM, "ECDSA r = s = 0 (CVE-2022-21449)", BAD_SIGNATURE, signingInput + b64(concat(zero, zero)));
        reject(cases, p, ALGORITHM, "ECDSA r = 0", BAD_SIGNATURE, signingInput + b64(concat(zero, sPart)));
        reject(cases, p, ALGORITHM, "ECDSA s = 0", BAD_SIGNATURE, signingInput + b64(concat(r, zero)));
        reject(cases, p, ALGORITHM, "ECDSA r = n", BAD_SIGNATURE, signingInput + b64(concat(order, sPart)));
        reject(cases, p, ALGORITHM, "ECDSA s = n", BAD_SIGNATURE, signingInput + b64(concat(r, order)));
        reject(cases, p, ALGORITHM, "ECDSA r = s = 2^256 - 1", BAD_SIGNATURE, signingInput + b64(concat(ones, ones)));
        reject(cases, p, ALGORITHM, "ECDSA r + n (same value mod n)", BAD_SIGNATURE,
                signingInput + b64(concat(AdversarialKeys.unsigned(new BigInteger(1, r).add(P256_ORDER), 0), sPart)));
        reject(cases, p, ALGORITHM, "ECDSA signature one byte short", BAD_SIGNATURE, signingInput + b64(Arrays.copyOf(rAndS, 63)));
        reject(cases, p, ALGORITHM, "ECDSA signature in DER instead of r||s", BAD_SIGNATURE, signingInput + b64(der(r, sPart)));
        reject(cases, p, ALGORITHM, "embedded jwk with the attacker's EC key", BAD_SIGNATURE,
                sign(attackerEc, header("ES256", "jwk", AdversarialKeys.ecJwk(AdversarialKeys.ATTACKER_EC, null)), claims));
        reject(cases, p, ALGORITHM, "jku naming the attacker's key set", BAD_SIGNATURE,
                sign(attackerEc, header("ES256", "jku", attackerUrl("/jwks.json"), "kid", "attacker-1"), claims));
        reject(cases, p, ALGORITHM, "x5u naming the attacker's certificate", BAD_SIGNATURE,
                sign(attackerRsa, header("RS256", "x5u", attackerUrl("/cert.pem")), claims));
        reject(cases, p, ALGORITHM, "kid with path traversal, attacker's key", BAD_SIGNATURE,
                sign(attackerRsa, header("RS256", "kid", "../../../../../../etc/passwd"), claims));
        reject(cases, p, CLAIMS, "required claim tenant missing", MISSING_CLAIM, sign(rs256, header("RS256"), claims("mallory")));
        reject(cases, p, CLAIMS, "required claim tenant null", MISSING_CLAIM, sign(rs256, header("RS256"), claims("mallory", "tenant", null)));
        reject(cases, p, CLAIMS, "expired, signed with the service's key", EXPIRED,
                sign(rs256, header("RS256"), with(claims, c -> c.put("exp", now() - 600))));
    }

    private static void jwksCases(List<Case> cases) {
        Target j = Target.JWKS;
        Algorithm rs256 = AdversarialKeys.rs256(AdversarialKeys.RSA);
        Algorithm es256 = AdversarialKeys.es256(AdversarialKeys.EC);
        Algorithm attackerRsa = AdversarialKeys.rs256(AdversarialKeys.ATTACKER_RSA);
        Algorithm attackerEc = AdversarialKeys.es256(AdversarialKeys.ATTACKER_EC);
        Map<String, Object> claims = claims("mallory");

        accept(cases, j, ALGORITHM, "RS256 with kid rsa-1 (control)", sign(rs256, header("RS256", "kid", AdversarialKeys.RSA_KID), claims("alice")), "alice");
        accept(cases, j, ALGORITHM, "ES256 with kid ec-1 (control)", sign(es256, header("ES256", "kid", AdversarialKeys.EC_KID), claims("alice")), "alice");
        accept(cases, j, ALGORITHM, "RS512 without kid (control)", sign(AdversarialKeys.rs512(AdversarialKeys.RSA), header("RS512"), claims("alice")), "alice");
        reject(cases, j, ALGORITHM, "kid with path traversal", UNKNOWN_KEY, sign(attackerRsa, header("RS256", "kid", "../../../../../../etc/passwd"), claims));
        reject(cases, j, ALGORITHM, "kid of 2000 characters", UNKNOWN_KEY, sign(attackerRsa, header("RS256", "kid", "k".repeat(2000)), claims));
        reject(cases, j, ALGORITHM, "kid with CR, LF and NUL", UNKNOWN_KEY, sign(attackerRsa, header("RS256", "kid", "a\r\nX-Injected: 1\u0000"), claims));
        reject(cases, j, ALGORITHM, "kid with SQL", UNKNOWN_KEY, sign(attackerRsa, header("RS256", "kid", "' OR '1'='1"), claims));
        reject(cases, j, ALGORITHM, "kid naming a URL on the attacker's host", UNKNOWN_KEY, sign(attackerRsa, header("RS256", "kid", attackerUrl("/key")), claims));
        reject(cases, j, ALGORITHM, "kid numeric", MALFORMED, sign(attackerRsa, header("RS256", "kid", 1), claims));
        reject(cases, j, ALGORITHM, "the service's kid, the attacker's signature", BAD_SIGNATURE,
                sign(attackerRsa, header("RS256", "kid", AdversarialKeys.RSA_KID), claims));
        reject(cases, j, ALGORITHM, "EC kid with alg RS256", ALG_NOT_ALLOWED, sign(rs256, header("RS256", "kid", AdversarialKeys.EC_KID), claims));
        reject(cases, j, ALGORITHM, "HS256 with the RSA modulus as the secret", ALG_NOT_ALLOWED,
                sign(Algorithm.HMAC256(AdversarialKeys.unsigned(((java.security.interfaces.RSAPublicKey) AdversarialKeys.RSA.getPublic()).getModulus(), 0)),
                        header("HS256", "kid", AdversarialKeys.RSA_KID), claims));
        reject(cases, j, ALGORITHM, "HS256 with the JWKS document as the secret", ALG_NOT_ALLOWED,
                sign(Algorithm.HMAC256(AdversarialKeys.jwks()), header("HS256", "kid", AdversarialKeys.RSA_KID), claims));
        reject(cases, j, ALGORITHM, "embedded jwk with the attacker's key and kid", UNKNOWN_KEY,
                sign(attackerEc, header("ES256", "kid", "attacker-1", "jwk", AdversarialKeys.ecJwk(AdversarialKeys.ATTACKER_EC, "attacker-1")), claims));
        reject(cases, j, ALGORITHM, "jku naming the attacker's key set", UNKNOWN_KEY,
                sign(attackerRsa, header("RS256", "kid", "attacker-1", "jku", attackerUrl("/jwks.json")), claims));
        reject(cases, j, ALGORITHM, "x5u naming the attacker's certificate", UNKNOWN_KEY,
                sign(attackerRsa, header("RS256", "kid", "attacker-2", "x5u", attackerUrl("/cert.pem")), claims));
        reject(cases, j, ALGORITHM, "alg none with the service's kid", ALG_NOT_ALLOWED,
                b64(json(header("none", "kid", AdversarialKeys.RSA_KID))) + "." + b64(json(claims)) + ".");
    }

    // ---- builders ----------------------------------------------------------------------------

    private static void reject(List<Case> cases, Target target, String family, String name, String reason, String token) {
        cases.add(new Case(target, family, name, List.of(RawHttp.bearer(token)), "", 401, "invalid_token", reason,
                null, null, List.of(token), TOO_LARGE.equals(reason) ? null : token));
    }

    private static void badRequest(List<Case> cases, Target target, String family, String name, String description, String token) {
        badRequest(cases, target, family, name, description, List.of(RawHttp.bearer(token)), List.of(token));
    }

    private static void badRequest(List<Case> cases, Target target, String family, String name, String description,
                                   List<String> headers, List<String> material) {
        cases.add(new Case(target, family, name, headers, "", 400, "invalid_request", description, null, null, material, null));
    }

    private static void accept(List<Case> cases, Target target, String family, String name, String token, String subject) {
        accept(cases, target, family, name, List.of(RawHttp.bearer(token)), "", subject, token, List.of(token));
    }

    private static void accept(List<Case> cases, Target target, String family, String name, List<String> headers, String query,
                               String subject, String propagated, List<String> material) {
        cases.add(new Case(target, family, name, headers, query, 200, null, null, subject, propagated, material, null));
    }

    static long now() {
        return Instant.now().getEpochSecond();
    }

    static Map<String, Object> claims(String subject, Object... more) {
        Map<String, Object> claims = RawJws.claims(subject);
        for (int i = 0; i < more.length; i += 2) {
            claims.put((String) more[i], more[i + 1]);
        }
        return claims;
    }

    private static Map<String, Object> with(Map<String, Object> claims, Consumer<Map<String, Object>> change) {
        Map<String, Object> copy = new LinkedHashMap<>(claims);
        change.accept(copy);
        return copy;
    }

    static String sign(Algorithm algorithm, Map<String, Object> header, Map<String, Object> claims) {
        return RawJws.sign(algorithm, json(header), json(claims));
    }

    /** An HS256 token for subject mallory with the claims changed by {@code change}. */
    private static String hs(Algorithm hs256, Map<String, Object> header, Consumer<Map<String, Object>> change) {
        return sign(hs256, header, with(claims("mallory"), change));
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private static byte[] withBytesInSubject(byte[] bad) {
        String body = json(claims("mallory"));
        return concat(("{\"name\":\"").getBytes(StandardCharsets.US_ASCII), bad,
                ("\"," + body.substring(1)).getBytes(StandardCharsets.UTF_8));
    }

    private static String padTo(Algorithm hs256, int length) {
        String base = hs(hs256, header("HS256"), c -> c.put("pad", ""));
        int padChars = (length - base.length()) * 3 / 4;
        String token = hs(hs256, header("HS256"), c -> c.put("pad", "x".repeat(padChars)));
        while (token.length() < length) {
            int more = padChars + (length - token.length() + 3) * 3 / 4;
            token = hs(hs256, header("HS256"), c -> c.put("pad", "x".repeat(more)));
        }
        return token;
    }

    /** A token of ours whose signature segment is rewritten into the standard base64 alphabet. */
    private static String standardAlphabet(Algorithm hs256) {
        for (int i = 0; ; i++) {
            int n = i;
            String token = hs(hs256, header("HS256"), c -> c.put("n", n));
            String signature = token.substring(token.lastIndexOf('.') + 1);
            if (signature.indexOf('-') >= 0 || signature.indexOf('_') >= 0) {
                return token.substring(0, token.lastIndexOf('.') + 1) + signature.replace('-', '+').replace('_', '/');
            }
        }
    }

    /** The same bytes, but the last character's unused low bits set: decoders that ignore them accept it. */
    private static String flipTrailingBits(String segment) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = segment.charAt(segment.length() - 1);
        int value = alphabet.indexOf(last);
        int unusedBits = segment.length() % 4 == 2 ? 0x0F : segment.length() % 4 == 3 ? 0x03 : 0;
        if (unusedBits == 0) {
            throw new IllegalArgumentException("segment has no unused bits");
        }
        return segment.substring(0, segment.length() - 1) + alphabet.charAt(value | unusedBits);
    }

    private static byte[] concat(byte[]... arrays) {
        int length = 0;
        for (byte[] a : arrays) {
            length += a.length;
        }
        byte[] result = new byte[length];
        int at = 0;
        for (byte[] a : arrays) {
            System.arraycopy(a, 0, result, at, a.length);
            at += a.length;
        }
        return result;
    }

    private static byte[] der(byte[] r, byte[] s) {
        byte[] rInt = new BigInteger(1, r).toByteArray();
        byte[] sInt = new BigInteger(1, s).toByteArray();
        return concat(new byte[] {0x30, (byte) (4 + rInt.length + sInt.length), 0x02, (byte) rInt.length}, rInt,
                new byte[] {0x02, (byte) sInt.length}, sInt);
    }

    /** PS256 (RSASSA-PSS, SHA-256, MGF1 SHA-256, 32-byte salt), which java-jwt cannot sign. */
    static String ps256(Map<String, Object> header, Map<String, Object> claims) {
        try {
            String input = b64(json(header)) + "." + b64(json(claims));
            Signature signature = Signature.getInstance("RSASSA-PSS");
            signature.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            signature.initSign(AdversarialKeys.RSA.getPrivate());
            signature.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(signature.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
