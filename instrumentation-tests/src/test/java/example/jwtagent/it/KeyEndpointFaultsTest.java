package example.jwtagent.it;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC section 7 through the built jar, against a key endpoint that misbehaves: what it serves or how
 * it fails never lets a removed key verify, never takes the last-known-good keys away, and a flood of
 * unknown kids from many connections at once costs it at most one request per minimum refetch interval.
 */
class KeyEndpointFaultsTest {
    private final AtomicReference<String> mode = new AtomicReference<>("ok");
    private final AtomicReference<String> document = new AtomicReference<>(AdversarialKeys.jwks());
    private final AtomicInteger requests = new AtomicInteger();

    private MockWebServer keyServer() throws Exception {
        MockWebServer keys = new MockWebServer();
        keys.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                requests.incrementAndGet();
                switch (mode.get()) {
                    case "html":
                        return new MockResponse.Builder().code(200).setHeader("Content-Type", "text/html")
                                .body("<html><body>down for maintenance</body></html>").build();
                    case "reset":
                        return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
                    case "500":
                        return new MockResponse.Builder().code(500).body("{\"keys\":[]}").build();
                    case "trickle":
                        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                                .body("{\"keys\":[]}" + " ".repeat(4000)).throttleBody(16, 1, TimeUnit.SECONDS).build();
                    case "bom":
                        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                                .body("\uFEFF" + document.get()).build();
                    default:
                        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                                .body(document.get()).build();
                }
            }
        });
        keys.start(InetAddress.getByName("127.0.0.1"), 0);
        return keys;
    }

    private static AgentChild child(MockWebServer keys, String refresh, String minRefetch) throws Exception {
        return AgentChild.start("key-endpoint", List.of(
                "issuer=" + Tokens.ISSUER, "audience=" + Tokens.AUDIENCE, "outbound.allowed-hosts=localhost",
                "jwks-url=http://127.0.0.1:" + keys.getPort() + "/jwks.json", "jwks.refresh-interval=" + refresh,
                "jwks.min-refetch-interval=" + minRefetch, "jwks.timeout=1s")).awaitReady();
    }

    private static String rsaToken(String kid) {
        return Tokens.signedWith(AdversarialKeys.rs256(AdversarialKeys.RSA), "alice", b -> b.withKeyId(kid));
    }

    private static String rotatedToken(String kid) {
        return Tokens.signedWith(AdversarialKeys.rs256(AdversarialKeys.ATTACKER_RSA), "alice", b -> b.withKeyId(kid));
    }

    private static int status(AgentChild child, String token) throws Exception {
        return RawHttp.get(child.baseUrl(), "/echo", RawHttp.bearer(token)).status;
    }

    private static void awaitStatus(AgentChild child, String token, int expected, String what) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (status(child, token) != expected) {
            assertTrue(System.nanoTime() < deadline, what + "\n" + child.output());
            Thread.sleep(100);
        }
    }

    /** A key document with a UTF-8 byte order mark (RFC 8259 lets a parser ignore it) gives its keys. */
    @Test
    void aKeySetWithAByteOrderMarkIsRead() throws Exception {
        mode.set("bom");
        try (MockWebServer keys = keyServer(); AgentChild child = child(keys, "1s", "1s")) {
            awaitStatus(child, rsaToken(AdversarialKeys.RSA_KID), 200, "a key set with a byte order mark gives no keys");
        }
    }

    /**
     * An HTML page with 200, a connection reset, a 500 and a body trickled past the deadline each keep
     * the last-known-good keys; the provider's next whole document replaces them.
     */
    @Test
    void failedFetchesKeepTheLastKnownGoodKeysAndAWholeDocumentReplacesThem() throws Exception {
        try (MockWebServer keys = keyServer(); AgentChild child = child(keys, "1s", "1s")) {
            String token = rsaToken(AdversarialKeys.RSA_KID);
            awaitStatus(child, token, 200, "keys never arrived");
            for (String fault : List.of("html", "reset", "500", "trickle")) {
                mode.set(fault);
                int before = requests.get();
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (requests.get() < before + 2) {
                    assertTrue(System.nanoTime() < deadline, "no refresh during " + fault + "\n" + child.output());
                    Thread.sleep(100);
                }
                assertEquals(200, status(child, token), "last-known-good keys lost after " + fault + "\n" + child.output());
            }
            mode.set("ok");
            document.set(RawJws.json(Map.of("keys", List.of(AdversarialKeys.rsaJwk(AdversarialKeys.ATTACKER_RSA, "rsa-2")))));
            awaitStatus(child, rotatedToken("rsa-2"), 200, "the rotated key never verified");
            awaitStatus(child, token, 401, "the removed key still verifies");
        }
    }

    /**
     * 48 connections at once, each with tokens naming kids the set lacks, for about six seconds: the
     * key server sees at most one refetch per minimum refetch interval (3 s), and a key published in
     * the meantime is found by the first token naming it after the interval.
     */
    @Test
    void aStormOfUnknownKidsCostsOneRequestPerInterval() throws Exception {
        try (MockWebServer keys = keyServer(); AgentChild child = child(keys, "10m", "3s")) {
            awaitStatus(child, rsaToken(AdversarialKeys.RSA_KID), 200, "keys never arrived");
            Thread.sleep(3500);
            int before = requests.get();
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(48);
            List<Future<int[]>> results = new ArrayList<>();
            for (int t = 0; t < 48; t++) {
                results.add(pool.submit(() -> {
                    int[] counts = new int[2];
                    while (System.nanoTime() - start < 6_000_000_000L) {
                        int s = status(child, rotatedToken(UUID.randomUUID().toString()));
                        counts[s == 401 ? 0 : 1]++;
                    }
                    return counts;
                }));
            }
            int refused = 0;
            int other = 0;
            for (Future<int[]> f : results) {
                int[] c = f.get(60, TimeUnit.SECONDS);
                refused += c[0];
                other += c[1];
            }
            pool.shutdown();
            double seconds = (System.nanoTime() - start) / 1e9;
            int fetched = requests.get() - before;
            System.out.println("storm: " + refused + " refused, " + other + " other, " + fetched + " key requests in " + seconds + " s");
            assertEquals(0, other);
            assertTrue(refused > 48, "too few requests: " + refused);
            assertTrue(fetched >= 1 && fetched <= 1 + (int) (seconds / 3), fetched + " key requests in " + seconds + " s\n" + child.output());

            document.set(RawJws.json(Map.of("keys", List.of(AdversarialKeys.rsaJwk(AdversarialKeys.RSA, AdversarialKeys.RSA_KID),
                    AdversarialKeys.rsaJwk(AdversarialKeys.ATTACKER_RSA, "rsa-2")))));
            // Past the interval since the storm's last refetch, with room for a loaded machine.
            Thread.sleep(5000);
            int beforeRotation = requests.get();
            ExecutorService second = Executors.newFixedThreadPool(16);
            List<Future<Integer>> rotated = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                rotated.add(second.submit(() -> status(child, rotatedToken("rsa-2"))));
            }
            int accepted = 0;
            for (Future<Integer> f : rotated) {
                accepted += f.get(60, TimeUnit.SECONDS) == 200 ? 1 : 0;
            }
            second.shutdown();
            System.out.println("rotation: " + accepted + " of 16 accepted, " + (requests.get() - beforeRotation) + " key requests");
            assertEquals(1, requests.get() - beforeRotation, "one refetch for the rotated kid");
            assertEquals(16, accepted, "every caller waits for the one refetch\n" + child.output());
        }
    }

    /**
     * What a key set holds decides what verifies, entry by entry: a key bound by its {@code alg} to RS256
     * verifies neither PS256 nor RS512; keys for encryption, under 2048 bits, with a point off the curve,
     * of an unknown type or with a number for {@code e} are passed over without spoiling the others;
     * two keys under one {@code kid} each verify their own tokens, and an attacker's key under neither.
     */
    @Test
    void eachEntryOfTheKeySetVerifiesOnlyWhatItIsFor() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        java.security.KeyPair weak = generator.generateKeyPair();
        java.security.KeyPair other = AdversarialKeys.ATTACKER_RSA;
        Map<String, Object> bound = new java.util.LinkedHashMap<>(AdversarialKeys.rsaJwk(AdversarialKeys.RSA, "bound"));
        bound.put("alg", "RS256");
        Map<String, Object> enc = new java.util.LinkedHashMap<>(AdversarialKeys.rsaJwk(other, "enc-1"));
        enc.put("use", "enc");
        Map<String, Object> offCurve = new java.util.LinkedHashMap<>(AdversarialKeys.ecJwk(AdversarialKeys.ATTACKER_EC, "off-curve"));
        byte[] y = java.util.Base64.getUrlDecoder().decode((String) offCurve.get("y"));
        y[y.length - 1] ^= 1;
        offCurve.put("y", RawJws.b64(y));
        Map<String, Object> numericE = new java.util.LinkedHashMap<>(AdversarialKeys.rsaJwk(other, "numeric-e"));
        numericE.put("e", 65537);
        Map<String, Object> okp = Map.of("kty", "OKP", "crv", "Ed25519", "kid", "okp", "x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
        document.set(RawJws.json(Map.of("keys", List.of(bound, enc, AdversarialKeys.rsaJwk(weak, "weak"), offCurve, numericE, okp,
                AdversarialKeys.rsaJwk(AdversarialKeys.RSA, "dup"), AdversarialKeys.ecJwk(AdversarialKeys.EC, "dup")))));
        try (MockWebServer keys = keyServer(); AgentChild child = child(keys, "10m", "30s")) {
            awaitStatus(child, rsaToken("bound"), 200, "keys never arrived");
            Map<String, Object> claims = RawJws.claims("mallory");
            assertRefused(child, AdversarialCases.ps256(RawJws.header("PS256", "kid", "bound"), claims), AdversarialCases.ALG_NOT_ALLOWED);
            assertRefused(child, RawJws.sign(AdversarialKeys.rs512(AdversarialKeys.RSA), RawJws.json(RawJws.header("RS512", "kid", "bound")),
                    RawJws.json(claims)), AdversarialCases.ALG_NOT_ALLOWED);
            assertRefused(child, rotatedToken("enc-1"), AdversarialCases.UNKNOWN_KEY);
            assertRefused(child, Tokens.signedWith(com.auth0.jwt.algorithms.Algorithm.RSA256(
                    (java.security.interfaces.RSAPublicKey) weak.getPublic(), (java.security.interfaces.RSAPrivateKey) weak.getPrivate()),
                    "mallory", b -> b.withKeyId("weak")), AdversarialCases.UNKNOWN_KEY);
            assertRefused(child, Tokens.signedWith(AdversarialKeys.es256(AdversarialKeys.ATTACKER_EC), "mallory", b -> b.withKeyId("off-curve")),
                    AdversarialCases.UNKNOWN_KEY);
            assertRefused(child, rotatedToken("numeric-e"), AdversarialCases.UNKNOWN_KEY);
            assertEquals(200, status(child, rsaToken("dup")));
            assertEquals(200, status(child, Tokens.signedWith(AdversarialKeys.es256(AdversarialKeys.EC), "alice", b -> b.withKeyId("dup"))));
            assertRefused(child, rotatedToken("dup"), AdversarialCases.BAD_SIGNATURE);
        }
    }

    /**
     * OIDC discovery (OpenID Connect Discovery 1.0, section 4.3) through the jar: a document naming
     * another issuer, or a {@code jwks_uri} that is a file or plain HTTP off the loopback host, gives
     * no keys and nothing is fetched from it; the document as it should be does.
     */
    @Test
    void discoveryGivesKeysOnlyForTheConfiguredIssuerAndAnAllowedJwksUri(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        List<String> paths = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicReference<String> discovery = new AtomicReference<>();
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("jwks.json"), AdversarialKeys.jwks());
        try (MockWebServer idp = new MockWebServer()) {
            idp.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    String path = request.getUrl().encodedPath();
                    paths.add(path);
                    return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                            .body(path.endsWith("/.well-known/openid-configuration") ? discovery.get() : AdversarialKeys.jwks()).build();
                }
            });
            idp.start(InetAddress.getByName("127.0.0.1"), 0);
            String issuer = "http://127.0.0.1:" + idp.getPort() + "/realms/shop";
            String keysUrl = issuer + "/keys";
            String token = Tokens.signedWith(AdversarialKeys.rs256(AdversarialKeys.RSA), "alice",
                    b -> b.withKeyId(AdversarialKeys.RSA_KID).withIssuer(issuer));
            discovery.set(RawJws.json(Map.of("issuer", "http://127.0.0.1:" + idp.getPort() + "/realms/other", "jwks_uri", keysUrl)));
            try (AgentChild child = AgentChild.start("discovery", List.of("issuer=" + issuer, "audience=" + Tokens.AUDIENCE,
                    "outbound.allowed-hosts=localhost", "jwks.refresh-interval=1s", "jwks.min-refetch-interval=1s",
                    "jwks.timeout=1s")).awaitReady()) {
                for (String jwksUri : List.of("", file.toUri().toString(), "http://192.0.2.1:" + idp.getPort() + "/realms/shop/keys")) {
                    if (!jwksUri.isEmpty()) {
                        discovery.set(RawJws.json(Map.of("issuer", issuer, "jwks_uri", jwksUri)));
                    }
                    int before = paths.size();
                    long deadline = System.nanoTime() + 20_000_000_000L;
                    while (paths.size() < before + 2) {
                        assertTrue(System.nanoTime() < deadline, "no discovery\n" + child.output());
                        Thread.sleep(100);
                    }
                    assertRefused(child, token, AdversarialCases.UNKNOWN_KEY);
                }
                assertTrue(!paths.contains("/realms/shop/keys"), "a key set fetched for a refused document: " + paths);
                discovery.set(RawJws.json(Map.of("issuer", issuer, "jwks_uri", keysUrl)));
                awaitStatus(child, token, 200, "keys by discovery never arrived");
                assertRefused(child, rsaToken(AdversarialKeys.RSA_KID), AdversarialCases.WRONG_ISSUER);
            }
        }
    }

    private static void assertRefused(AgentChild child, String token, String reason) throws Exception {
        RawHttp.Response response = RawHttp.get(child.baseUrl(), "/echo", RawHttp.bearer(token));
        assertEquals(401, response.status, response.toString());
        String challenge = response.header("WWW-Authenticate");
        assertTrue(challenge != null && challenge.contains("error_description=\"" + reason + "\""), response.toString());
    }
}
