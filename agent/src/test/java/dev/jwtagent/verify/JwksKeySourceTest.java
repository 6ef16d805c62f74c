package dev.jwtagent.verify;

import static dev.jwtagent.verify.Rejections.assertRejected;
import static dev.jwtagent.verify.TestSupport.claims;
import static dev.jwtagent.verify.TestSupport.jwk;
import static dev.jwtagent.verify.TestSupport.jwks;
import static dev.jwtagent.verify.TestSupport.sign;
import static dev.jwtagent.verify.TestSupport.signer;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

class JwksKeySourceTest {
    enum Mode { OK, ERROR_500, NEVER_ENDING, HUGE_CHUNKED, HUGE_DECLARED, HANG, ONE_SECOND }

    private final KeyPair k1 = TestSupport.rsa("a");
    private final KeyPair k2 = TestSupport.rsa("b");
    private final KeyPair ec = TestSupport.ec("secp256r1", "a");

    private MockWebServer server;
    private volatile Mode mode = Mode.OK;
    private volatile String document;
    private final AtomicInteger jwksRequests = new AtomicInteger();
    private final List<KeyedVerifier> verifiers = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void startServer() throws IOException {
        document = jwks(jwk(k1.getPublic(), "k1", ""), jwk(ec.getPublic(), "e1", ""));
        server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                jwksRequests.incrementAndGet();
                switch (mode) {
                    case ERROR_500:
                        return new MockResponse.Builder().code(500).body("oops").build();
                    case NEVER_ENDING:
                        return new MockResponse.Builder().body(padded(200_000))
                                .throttleBody(64, 1, TimeUnit.SECONDS).build();
                    case HUGE_CHUNKED:
                        return new MockResponse.Builder().body(new Endless(50L * 1024 * 1024, -1)).build();
                    case HUGE_DECLARED:
                        return new MockResponse.Builder().body(new Endless(50L * 1024 * 1024, 50L * 1024 * 1024)).build();
                    case ONE_SECOND:
                        return new MockResponse.Builder().body(document).headersDelay(1, TimeUnit.SECONDS).build();
                    case HANG:
                        return new MockResponse.Builder().body(document).headersDelay(30, TimeUnit.SECONDS).build();
                    default:
                        return new MockResponse.Builder().addHeader("Content-Type", "application/json")
                                .body(document).build();
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        verifiers.forEach(KeyedVerifier::close);
        server.close();
    }

    private String padded(int size) {
        StringBuilder sb = new StringBuilder(document);
        sb.setLength(document.length() - 1);
        while (sb.length() < size) {
            sb.append(' ');
        }
        return sb.append('}').toString();
    }

    /** A 50 MB body produced on the fly, so the test itself does not hold it in memory. */
    private static final class Endless implements MockResponseBody {
        private final long size;
        private final long declared;

        Endless(long size, long declared) {
            this.size = size;
            this.declared = declared;
        }

        @Override
        public long getContentLength() {
            return declared;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            sink.writeUtf8("{\"keys\":[");
            for (long written = 0; written < size - 11; written += chunk.length) {
                sink.write(chunk, 0, (int) Math.min(chunk.length, size - 11 - written));
            }
            sink.writeUtf8("]}");
        }
    }

    private KeyedVerifier verifier(VerifierSettings.Builder settings) {
        KeyedVerifier v = TokenVerifiers.create(settings.build());
        verifiers.add(v);
        return v;
    }

    private VerifierSettings.Builder settings() {
        return VerifierSettings.builder().jwksUrl(URI.create(server.url("/keys").toString()))
                .jwksTimeout(Duration.ofMillis(500)).jwksRefreshInterval(Duration.ofMillis(200))
                .jwksMinRefetchInterval(Duration.ofSeconds(30));
    }

    private static String token(KeyPair keys, String alg, String kid) {
        return sign(signer(alg, keys), "{\"alg\":\"" + alg + "\",\"kid\":\"" + kid + "\"}",
                "{\"sub\":\"" + UUID.randomUUID() + "\",\"exp\":" + (System.currentTimeMillis() / 1000 + 600) + "}");
    }

    private static void await(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static boolean accepts(TokenVerifier verifier, String token) {
        try {
            verifier.verify(token);
            return true;
        } catch (TokenRejectedException e) {
            return false;
        }
    }

    @Test
    void keysFromJwksUrlVerifyRsaAndEcTokens() throws Exception {
        KeyedVerifier verifier = verifier(settings());
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token(k1, "RS256", "k1")));
        assertEquals("jwks", verifier.verify(token(ec, "ES256", "e1")).keySourceDescription());
        verifier.verify(token(k1, "PS384", "k1"));
        assertEquals("jwks http://" + server.getHostName() + ":" + server.getPort() + "/keys",
                verifier.keySourceDescription());
    }

    @Test
    void startupDoesNotWaitForAProviderThatIsDownAndKeysArriveWhenItComesUp() throws Exception {
        mode = Mode.ERROR_500;
        long start = System.nanoTime();
        KeyedVerifier verifier = verifier(settings());
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500), "create() must not block");
        assertRejected(RejectReason.UNKNOWN_KEY, verifier, token(k1, "RS256", "k1"));
        await("a failed fetch", Duration.ofSeconds(5), () -> verifier.stats().keyFetchFailures() >= 2);
        mode = Mode.OK;
        await("keys after recovery", Duration.ofSeconds(5), () -> accepts(verifier, token(k1, "RS256", "k1")));
    }

    @Test
    void startupDoesNotWaitForAProviderThatHangs() throws Exception {
        mode = Mode.HANG;
        long start = System.nanoTime();
        KeyedVerifier verifier = verifier(settings());
        assertRejected(RejectReason.UNKNOWN_KEY, verifier, token(k1, "RS256", "k1"));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "bounded by the fetch timeout");
    }

    @Test
    void connectionRefusedAtStartupRejectsAsUnknownKey() throws Exception {
        java.net.ServerSocket socket = new java.net.ServerSocket(0);
        int port = socket.getLocalPort();
        socket.close();
        KeyedVerifier verifier = verifier(settings().jwksUrl(URI.create("http://127.0.0.1:" + port + "/keys")));
        await("a failed fetch", Duration.ofSeconds(5), () -> verifier.stats().keyFetchFailures() >= 1);
        assertRejected(RejectReason.UNKNOWN_KEY, verifier, token(k1, "RS256", "k1"));
    }

    @Test
    void serverErrorsKeepTheLastKnownGoodKeys() throws Exception {
        KeyedVerifier verifier = verifier(settings());
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token(k1, "RS256", "k1")));
        mode = Mode.ERROR_500;
        long failuresBefore = verifier.stats().keyFetchFailures();
        await("failing refreshes", Duration.ofSeconds(5), () -> verifier.stats().keyFetchFailures() >= failuresBefore + 2);
        verifier.verify(token(k1, "RS256", "k1"));
    }

    @Test
    void responseThatNeverEndsTimesOutAndKeysAreKept() throws Exception {
        KeyedVerifier verifier = verifier(settings().jwksTimeout(Duration.ofMillis(300)));
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token(k1, "RS256", "k1")));
        mode = Mode.NEVER_ENDING;
        long failuresBefore = verifier.stats().keyFetchFailures();
        long start = System.nanoTime();
        await("the endless fetch to fail", Duration.ofSeconds(5),
                () -> verifier.stats().keyFetchFailures() > failuresBefore);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
        verifier.verify(token(k1, "RS256", "k1"));
    }

    @Test
    void fiftyMegabyteDocumentIsRefusedBySizeCap() throws Exception {
        for (Mode huge : new Mode[] {Mode.HUGE_CHUNKED, Mode.HUGE_DECLARED}) {
            mode = Mode.OK;
            KeyedVerifier verifier = verifier(settings().jwksTimeout(Duration.ofSeconds(5)));
            await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token(k1, "RS256", "k1")));
            mode = huge;
            long failuresBefore = verifier.stats().keyFetchFailures();
            await("the huge fetch to fail", Duration.ofSeconds(10),
                    () -> verifier.stats().keyFetchFailures() > failuresBefore);
            verifier.verify(token(k1, "RS256", "k1"));
            verifier.close();
        }
        assertTrue(KeyFetcher.MAX_DOCUMENT_BYTES <= 1024 * 1024);
    }

    @Test
    void floodOfRandomKidsFetchesAtMostOncePerIntervalAndARotatedKeyResolvesAfterIt() throws Exception {
        KeyedVerifier verifier = verifier(settings().jwksRefreshInterval(Duration.ofMinutes(10))
                .jwksMinRefetchInterval(Duration.ofMillis(1500)));
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token(k1, "RS256", "k1")));
        int before = jwksRequests.get();
        KeyPair attacker = TestSupport.rsa("c");
        List<String> floods = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            floods.add(token(attacker, "RS256", UUID.randomUUID().toString()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (String t : floods) {
                futures.add(pool.submit(() -> assertRejected(RejectReason.UNKNOWN_KEY, verifier, t)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "1000 tokens within a second");
        assertTrue(jwksRequests.get() - before <= 1, "fetches during the flood: " + (jwksRequests.get() - before));

        document = jwks(jwk(k1.getPublic(), "k1", ""), jwk(k2.getPublic(), "k2", ""));
        String rotated = token(k2, "RS256", "k2");
        await("the rotated key after the interval", Duration.ofSeconds(5), () -> accepts(verifier, rotated));
        assertTrue(jwksRequests.get() - before <= 2, "fetches in total: " + (jwksRequests.get() - before));
    }

    @Test
    void aRotatedKidIsFetchedAlsoWhenTheSetHasAKeyWithoutKid() throws Exception {
        // Before: a kid the set did not name went to the set's keys without a kid, which were
        // candidates enough that no refetch was made, and the new key's tokens were refused as
        // bad signatures until the next background refresh (10 minutes here).
        KeyPair unnamed = TestSupport.rsa("c");
        document = jwks(jwk(k1.getPublic(), "k1", ""), jwk(unnamed.getPublic(), null, ""));
        KeyedVerifier verifier = verifier(settings().jwksRefreshInterval(Duration.ofMinutes(10))
                .jwksMinRefetchInterval(Duration.ofMillis(1)));
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token(k1, "RS256", "k1")));
        document = jwks(jwk(k1.getPublic(), "k1", ""), jwk(unnamed.getPublic(), null, ""), jwk(k2.getPublic(), "k2", ""));
        int before = jwksRequests.get();

        verifier.verify(token(k2, "RS256", "k2"));

        assertEquals(1, jwksRequests.get() - before, "one fetch for the unknown kid");
        // The key without a kid still verifies a token whose kid the set does not name, without a fetch:
        // an identity provider may put kids in its tokens and none in its key set.
        int beforeUnnamed = jwksRequests.get();
        verifier.verify(token(unnamed, "RS256", "not-in-the-set"));
        assertEquals(beforeUnnamed, jwksRequests.get(), "no fetch when a key without a kid verifies the token");
        assertRejected(RejectReason.BAD_SIGNATURE, verifier, token(TestSupport.rsa("d"), "RS256", "not-in-the-set-either"));
    }

    @Test
    void aTokenWithoutKidSignedWithANewKeyIsFetchedForAtOnce() throws Exception {
        // Before: a token naming no kid was tried on the set's keys, which failed, and the new key's
        // tokens were refused as bad signatures until the next background refresh (10 minutes here).
        KeyedVerifier verifier = verifier(settings().jwksRefreshInterval(Duration.ofMinutes(10))
                .jwksMinRefetchInterval(Duration.ofMillis(1)));
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token(k1, "RS256", "k1")));
        document = jwks(jwk(k1.getPublic(), "k1", ""), jwk(k2.getPublic(), "k2", ""));
        int before = jwksRequests.get();

        assertDoesNotThrow(() -> verifier.verify(withoutKid(k2)));

        assertEquals(1, jwksRequests.get() - before, "one fetch for the token no key verified");
    }

    @Test
    void aKidWhoseKeyTheProviderReplacedIsFetchedForAtOnce() throws Exception {
        KeyedVerifier verifier = verifier(settings().jwksRefreshInterval(Duration.ofMinutes(10))
                .jwksMinRefetchInterval(Duration.ofMillis(1)));
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token(k1, "RS256", "k1")));
        document = jwks(jwk(k2.getPublic(), "k1", ""));

        assertDoesNotThrow(() -> verifier.verify(token(k2, "RS256", "k1")));
        assertRejected(RejectReason.BAD_SIGNATURE, verifier, token(k1, "RS256", "k1"));
    }

    /**
     * The provider replaced a kid's key with one for another algorithm (another key type, or a JWK
     * that now names another {@code alg}): the kid is known, but bound to algorithms the token does
     * not use. Before, such a token was refused as "algorithm not allowed" at once, without the
     * shared refetch, until the next background refresh (10 minutes here).
     */
    @ParameterizedTest
    @ValueSource(strings = {"EC key, ES256", "RSA key naming PS256"})
    void aKidWhoseKeyTheProviderReplacedForAnotherAlgorithmIsFetchedForAtOnce(String replacement) throws Exception {
        KeyedVerifier verifier = verifier(settings().jwksRefreshInterval(Duration.ofMinutes(10))
                .jwksMinRefetchInterval(Duration.ofMillis(1)));
        document = jwks(jwk(k1.getPublic(), "k1", "\"alg\":\"RS256\""));
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token(k1, "RS256", "k1")));
        boolean ec = replacement.startsWith("EC");
        document = ec ? jwks(jwk(this.ec.getPublic(), "k1", "")) : jwks(jwk(k2.getPublic(), "k1", "\"alg\":\"PS256\""));
        int before = jwksRequests.get();

        assertDoesNotThrow(() -> verifier.verify(ec ? token(this.ec, "ES256", "k1") : token(k2, "PS256", "k1")));

        assertEquals(1, jwksRequests.get() - before, "one fetch for the kid's new key");
        assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, verifier, token(k1, "RS256", "k1"));
    }

    @Test
    void aFloodOfKnownKidsWithAnotherAlgorithmFetchesAtMostOncePerInterval() throws Exception {
        KeyedVerifier verifier = verifier(settings().jwksRefreshInterval(Duration.ofMinutes(10))
                .jwksMinRefetchInterval(Duration.ofSeconds(30)));
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token(k1, "RS256", "k1")));
        int before = jwksRequests.get();
        for (int i = 0; i < 200; i++) {
            // k1 is an RSA key: an ES256 token naming it is refused, whatever its signature.
            assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, verifier, token(ec, "ES256", "k1"));
        }
        assertTrue(jwksRequests.get() - before <= 1, "fetches during the flood: " + (jwksRequests.get() - before));
    }

    @Test
    void aFloodOfBadSignaturesFetchesAtMostOncePerInterval() throws Exception {
        KeyedVerifier verifier = verifier(settings().jwksRefreshInterval(Duration.ofMinutes(10))
                .jwksMinRefetchInterval(Duration.ofSeconds(30)));
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token(k1, "RS256", "k1")));
        int before = jwksRequests.get();
        KeyPair attacker = TestSupport.rsa("c");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String forged = i % 2 == 0 ? token(attacker, "RS256", "k1") : withoutKid(attacker);
                futures.add(pool.submit(() -> assertRejected(RejectReason.BAD_SIGNATURE, verifier, forged)));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        // The flood must fall within one refetch interval (30 s) for "at most one fetch" to be the rule
        // under test; signing the 1,000 tokens is part of it, and takes seconds on a loaded machine.
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(25), "1000 tokens within one refetch interval");
        assertTrue(jwksRequests.get() - before <= 1, "fetches during the flood: " + (jwksRequests.get() - before));
    }

    private static String withoutKid(KeyPair keys) {
        return sign(signer("RS256", keys), "{\"alg\":\"RS256\"}",
                "{\"sub\":\"" + UUID.randomUUID() + "\",\"exp\":" + (System.currentTimeMillis() / 1000 + 600) + "}");
    }

    @Test
    void aKidPublishedWhileABackgroundFetchIsUnderWayIsFetchedAfterIt() throws Exception {
        // The first fetch has its document (k1 only) at once and its answer a second later. Before,
        // the refetch a k2 token asked for meanwhile was answered by that fetch, and then skipped.
        mode = Mode.ONE_SECOND;
        KeyedVerifier verifier = verifier(settings().jwksTimeout(Duration.ofSeconds(3)).jwksRefreshInterval(Duration.ofMinutes(10)));
        await("the first fetch to reach the server", Duration.ofSeconds(5), () -> jwksRequests.get() > 0);
        mode = Mode.OK;
        document = jwks(jwk(k1.getPublic(), "k1", ""), jwk(k2.getPublic(), "k2", ""));

        verifier.verify(token(k2, "RS256", "k2"));

        assertEquals(2, jwksRequests.get(), "the first fetch and the one the k2 token asked for");
    }

    @Test
    void concurrentCallersWaitForTheOneInFlightFetch() throws Exception {
        KeyedVerifier verifier = verifier(settings().jwksRefreshInterval(Duration.ofMinutes(10))
                .jwksMinRefetchInterval(Duration.ofMillis(1)));
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token(k1, "RS256", "k1")));
        document = jwks(jwk(k1.getPublic(), "k1", ""), jwk(k2.getPublic(), "k2", ""));
        int before = jwksRequests.get();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<VerifiedToken>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String t = token(k2, "RS256", "k2");
                futures.add(pool.submit(() -> verifier.verify(t)));
            }
            for (Future<VerifiedToken> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(jwksRequests.get() - before <= 2, "fetches: " + (jwksRequests.get() - before));
    }

    @Test
    void removedKeyNoLongerVerifiesEvenCachedTokens() throws Exception {
        KeyedVerifier verifier = verifier(settings());
        String token = token(k1, "RS256", "k1");
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token));
        VerifiedToken verified = verifier.verify(token);
        assertTrue(verifier.stillRemembered(verified));
        document = jwks(jwk(k2.getPublic(), "k2", ""));
        await("the removal to take effect", Duration.ofSeconds(5), () -> !accepts(verifier, token));
        assertFalse(verifier.stillRemembered(verified), "a holder of the verification must not reuse it either");
    }

    /**
     * The same key republished for fewer algorithms (its JWK now names {@code alg}): a token verified
     * with an algorithm the key no longer allows is refused, cached or not.
     */
    @Test
    void keyRepublishedForAnotherAlgorithmNoLongerVerifiesCachedTokensOfTheOldOne() throws Exception {
        // Both allowed: the republished key stays usable, for PS256 only.
        KeyedVerifier verifier = verifier(settings().algorithms(List.of("RS256", "PS256")));
        String token = token(k1, "RS256", "k1");
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token));
        VerifiedToken verified = verifier.verify(token);
        assertTrue(verifier.stillRemembered(verified));
        document = jwks(jwk(k1.getPublic(), "k1", "\"alg\":\"PS256\""));
        await("the narrowing to take effect", Duration.ofSeconds(5), () -> !accepts(verifier, token));
        assertFalse(verifier.stillRemembered(verified), "a holder of the verification must not reuse it either");
        assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, verifier, token);
    }

    /**
     * A document that arrives whole but lists no key usable here withdraws the keys it no longer
     * lists, cached verifications included: the key set is the identity provider's word, and only a
     * failed fetch keeps the last-known-good keys.
     */
    @ParameterizedTest
    @ValueSource(strings = {"no keys", "for encryption", "for another algorithm", "of another type"})
    void aDocumentWithNoUsableKeyWithdrawsTheKeysItNoLongerLists(String republished) throws Exception {
        KeyedVerifier verifier = verifier(settings().algorithms(List.of("RS256")));
        String token = token(k1, "RS256", "k1");
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token));
        VerifiedToken verified = verifier.verify(token);
        long failuresBefore = verifier.stats().keyFetchFailures();
        document = Map.of(
                "no keys", jwks(),
                "for encryption", jwks(jwk(k1.getPublic(), "k1", "\"use\":\"enc\"")),
                "for another algorithm", jwks(jwk(k1.getPublic(), "k1", "\"alg\":\"PS256\"")),
                "of another type", jwks("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"k2\",\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"))
                .get(republished);
        await("the withdrawal to take effect", Duration.ofSeconds(5), () -> !accepts(verifier, token));
        assertFalse(verifier.stillRemembered(verified), "a holder of the verification must not reuse it either");
        assertRejected(RejectReason.UNKNOWN_KEY, verifier, token(k1, "RS256", "k1"));
        assertTrue(verifier.stats().keyFetchFailures() > failuresBefore, "counted, for the operator to see");

        document = jwks(jwk(k1.getPublic(), "k1", ""));
        await("the key published again to verify again", Duration.ofSeconds(5), () -> accepts(verifier, token));
    }

    @Test
    void aDocumentThatIsNotAKeySetKeepsTheLastKnownGoodKeys() throws Exception {
        KeyedVerifier verifier = verifier(settings());
        String token = token(k1, "RS256", "k1");
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token));
        long failuresBefore = verifier.stats().keyFetchFailures();
        document = "{\"keys\": [";
        await("a failed refresh", Duration.ofSeconds(5), () -> verifier.stats().keyFetchFailures() > failuresBefore);
        assertTrue(accepts(verifier, token(k1, "RS256", "k1")));
    }

    /**
     * A key document that starts with a UTF-8 byte order mark, which RFC 8259 lets a parser ignore:
     * its keys verify, served or read from a file. It was refused as no JSON object, and every token
     * of such a provider was refused as of an unknown key.
     */
    @Test
    void aDocumentWithAByteOrderMarkGivesItsKeys() throws Exception {
        document = "\uFEFF" + document;
        KeyedVerifier verifier = verifier(settings());
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token(k1, "RS256", "k1")));
        Path file = dir.resolve("bom.json");
        Files.write(file, document.getBytes(StandardCharsets.UTF_8));
        KeyedVerifier fromFile = verifier(VerifierSettings.builder().jwksUrl(file.toUri()));
        assertTrue(accepts(fromFile, token(k1, "RS256", "k1")));
        // Only one, at the start: anything else before the document is still no key set.
        Files.write(file, ("\uFEFF" + document).getBytes(StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> verifier(VerifierSettings.builder().jwksUrl(file.toUri())));
    }

    @Test
    void hmacTokensAreNeverAcceptedWithRemoteKeys() throws Exception {
        KeyedVerifier verifier = verifier(settings());
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token(k1, "RS256", "k1")));
        String hs = sign(TestSupport.hmac("HS256", TestSupport.SECRET), "{\"alg\":\"HS256\",\"kid\":\"k1\"}", claims(""));
        assertRejected(RejectReason.ALGORITHM_NOT_ALLOWED, verifier, hs);
        assertThrows(IllegalArgumentException.class, () -> verifier(settings().algorithms(List.of("HS256"))));
    }

    @Test
    void oneDaemonThreadNamedJwtAgentKeysStopsOnClose() throws Exception {
        KeyedVerifier verifier = verifier(settings());
        await("keys", Duration.ofSeconds(5), () -> accepts(verifier, token(k1, "RS256", "k1")));
        List<Thread> threads = keyThreads();
        assertEquals(1, threads.size(), "one keys thread per verifier");
        assertTrue(threads.get(0).isDaemon());
        verifier.close();
        threads.get(0).join(5000);
        assertFalse(threads.get(0).isAlive());
        int requests = jwksRequests.get();
        Thread.sleep(500);
        assertEquals(requests, jwksRequests.get(), "no refresh after close");
    }

    private static List<Thread> keyThreads() {
        List<Thread> result = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("jwt-agent-keys") && t.isAlive()) {
                result.add(t);
            }
        }
        return result;
    }

    @Test
    void keyStatsCountFetchesAndFailures() throws Exception {
        KeyedVerifier verifier = verifier(settings());
        await("two fetches", Duration.ofSeconds(5), () -> verifier.stats().keyFetches() >= 2);
        assertEquals(0, verifier.stats().keyFetchFailures());
        mode = Mode.ERROR_500;
        await("a failure", Duration.ofSeconds(5), () -> verifier.stats().keyFetchFailures() >= 1);
    }

    @Test
    void jwksUrlMustBeHttpsOrLoopbackHttpOrFile() {
        for (String url : new String[] {"http://idp.example/keys", "ftp://idp.example/keys", "keys.json",
            "http://10.0.0.1/keys"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> verifier(VerifierSettings.builder().jwksUrl(URI.create(url))));
            assertTrue(e.getMessage().startsWith("jwks-url:"), e.getMessage());
        }
        verifier(VerifierSettings.builder().jwksUrl(URI.create("https://idp.example/keys"))
                .jwksTimeout(Duration.ofMillis(100)));
        verifier(VerifierSettings.builder().jwksUrl(URI.create("http://localhost:1/keys")));
        verifier(VerifierSettings.builder().jwksUrl(URI.create("http://[::1]:1/keys")));
    }

    /** A port no connection can use: the agent started and refused every token while the fetch failed for ever. */
    @Test
    void aKeyUrlWithAPortOutOfRangeIsRefusedAtStart() {
        for (String url : new String[] {"https://idp.example:99999/keys", "http://127.0.0.1:70000/keys", "https://idp.example:0/keys"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> verifier(VerifierSettings.builder().jwksUrl(URI.create(url))));
            assertTrue(e.getMessage().startsWith("jwks-url: port ") && e.getMessage().endsWith(" is out of range (1 to 65535)"),
                    e.getMessage());
        }
        for (String issuer : new String[] {"https://idp.example:99999/realms/shop", "https://idp.example:0"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> verifier(VerifierSettings.builder().issuers(java.util.List.of(issuer))));
            assertTrue(e.getMessage().startsWith("issuer: port "), e.getMessage());
        }
        IllegalArgumentException noHost = assertThrows(IllegalArgumentException.class,
                () -> verifier(VerifierSettings.builder().issuers(java.util.List.of("https:///realms/shop"))));
        assertTrue(noHost.getMessage().endsWith("not one without a host"), noHost.getMessage());
    }

    @Test
    void fileJwksUrlIsRead() throws Exception {
        Path file = dir.resolve("jwks.json");
        Files.write(file, document.getBytes(StandardCharsets.UTF_8));
        KeyedVerifier verifier = verifier(VerifierSettings.builder().jwksUrl(file.toUri()));
        assertTrue(accepts(verifier, token(k1, "RS256", "k1")), "the file's keys verify from the start, without waiting for a fetch");
    }

    /**
     * A {@code file:} key set that is no key set, or holds no key usable with the allowed algorithms,
     * stops the agent at startup as a PEM file without a key does, naming the file and not its text.
     */
    @Test
    void fileJwksUrlWithoutAUsableKeyIsRefusedAtStart() throws Exception {
        Path rsaOnly = dir.resolve("rsa-only.json");
        Files.write(rsaOnly, jwks(jwk(k1.getPublic(), "k1", "")).getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException onlyOthers = assertThrows(IllegalArgumentException.class, () -> verifier(
                VerifierSettings.builder().jwksUrl(rsaOnly.toUri()).algorithms(List.of("ES256"))));
        assertEquals("jwks-url: file:" + rsaOnly.toUri().getPath() + " holds no signing key usable with ES256", onlyOthers.getMessage());

        Path empty = dir.resolve("empty.json");
        Files.write(empty, "{\"keys\":[]}".getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> verifier(VerifierSettings.builder().jwksUrl(empty.toUri())));
        assertTrue(none.getMessage().startsWith("jwks-url: file:" + empty.toUri().getPath() + " holds no signing key usable with "),
                none.getMessage());

        Path notAKeySet = dir.resolve("secret.txt");
        Files.write(notAKeySet, "s3cr3t-not-json".getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class,
                () -> verifier(VerifierSettings.builder().jwksUrl(notAKeySet.toUri())));
        assertEquals("jwks-url: file:" + notAKeySet.toUri().getPath() + ": not a JSON object with unique member names", notJson.getMessage());
    }

    /**
     * OIDC discovery (OpenID Connect Discovery 1.0, section 4.3): a document that names another issuer,
     * or a {@code jwks_uri} outside the rules of {@code jwks-url}, gives no keys and no key set is
     * fetched from it; the document as it should be (its issuer with a trailing slash) does, and a
     * warning says once that the provider's tokens, naming the issuer with that slash, are refused.
     */
    @Test
    void discoveryNeedsTheConfiguredIssuerAndAJwksUriWithinTheRules() throws Exception {
        List<String> paths = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<String> discovery = new java.util.concurrent.atomic.AtomicReference<>();
        try (MockWebServer idp = new MockWebServer()) {
            idp.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    String path = request.getUrl().encodedPath();
                    paths.add(path);
                    return new MockResponse.Builder().addHeader("Content-Type", "application/json")
                            .body(path.endsWith("/.well-known/openid-configuration") ? discovery.get() : document).build();
                }
            });
            idp.start();
            String issuer = idp.url("/realms/shop").toString();
            String keys = idp.url("/realms/shop/keys").toString();
            discovery.set("{\"issuer\":\"" + idp.url("/realms/other") + "\",\"jwks_uri\":\"" + keys + "\"}");
            KeyedVerifier verifier = verifier(VerifierSettings.builder().issuers(List.of(issuer))
                    .jwksTimeout(Duration.ofMillis(500)).jwksRefreshInterval(Duration.ofMillis(200))
                    .jwksMinRefetchInterval(Duration.ofSeconds(30)));
            String token = sign(signer("RS256", k1), "{\"alg\":\"RS256\",\"kid\":\"k1\"}",
                    "{\"sub\":\"alice\",\"iss\":\"" + issuer + "\",\"exp\":" + (System.currentTimeMillis() / 1000 + 600) + "}");

            await("a refused discovery", Duration.ofSeconds(10), () -> verifier.stats().keyFetchFailures() >= 1);
            assertRejected(RejectReason.UNKNOWN_KEY, verifier, token);
            discovery.set("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"" + dir.resolve("jwks.json").toUri() + "\"}");
            Files.write(dir.resolve("jwks.json"), document.getBytes(StandardCharsets.UTF_8));
            long failures = verifier.stats().keyFetchFailures();
            await("a refused jwks_uri", Duration.ofSeconds(10), () -> verifier.stats().keyFetchFailures() > failures);
            assertRejected(RejectReason.UNKNOWN_KEY, verifier, token);
            assertFalse(paths.contains("/realms/shop/keys"), "no key set fetched for a refused document: " + paths);

            discovery.set("{\"issuer\":\"" + issuer + "/\",\"jwks_uri\":\"" + keys + "\"}");
            String logged = capturingStandardError(() -> {
                await("keys by discovery", Duration.ofSeconds(15), () -> accepts(verifier, token));
                return null;
            });
            assertTrue(paths.contains("/realms/shop/keys"), paths.toString());
            // The provider's own tokens name it as its document does, with the '/': refused, and said once.
            assertTrue(logged.contains("WARN jwt-agent.keys - issuer " + issuer + " is spelt " + issuer + "/ by its discovery document"), logged);
            assertEquals(1, logged.split(" is spelt ", -1).length - 1, logged);
        }
    }

    interface Awaited {
        Object run() throws Exception;
    }

    /** What the agent's log wrote to standard error (on any thread) while {@code action} ran. */
    private static String capturingStandardError(Awaited action) throws Exception {
        java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        System.setErr(new java.io.PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            action.run();
            // A refresh or two more, each of which could have said it again.
            Thread.sleep(600);
        } finally {
            System.setErr(original);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }
}
