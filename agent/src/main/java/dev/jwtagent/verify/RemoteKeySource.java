package dev.jwtagent.verify;

import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.TokenTasks;
import dev.jwtagent.log.AgentLog;
import org.slf4j.Logger;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keys from a JWKS URL, or from OIDC discovery for each configured issuer (each issuer with its own
 * key set, so a token is only ever checked against its own issuer's keys).
 *
 * <p>All fetches run on one daemon thread, {@code jwt-agent-keys}. Startup never waits for the
 * provider: the first fetch is queued at once and, until keys arrive, tokens are rejected as
 * unknown key. The background refresh runs every refresh interval; after a failure it retries with
 * exponential backoff (from one second, or the refresh interval if shorter, doubling up to the
 * refresh interval), and the last-known-good keys stay in use. A transition between working and
 * failing is logged once, not every attempt.
 *
 * <p>Unknown key, single flight: a token whose key is not in the set (a {@code kid} the set lacks,
 * or no key of the set verifies it) may ask for a refetch.
 * At most one such refetch per minimum refetch interval is started, shared by all threads (and by
 * all kids). Callers that find a fetch in flight, whether started by them, by another caller or by
 * the background refresh, wait for its result, at most the fetch timeout, and then look again; a
 * caller that finds no fetch in flight and the interval not yet elapsed is rejected at once. So a
 * flood of random kids costs the provider one request per interval, and a genuinely rotated key
 * is found by the first token that names it after the interval.
 */
final class RemoteKeySource implements KeySource {
    private static final Logger LOG = AgentLog.logger("keys");
    private static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

    private final String kind;
    private final String description;
    private final Set<String> algorithms;
    private final Map<String, Endpoint> byIssuer;
    private final Endpoint single;
    private final ScheduledThreadPoolExecutor scheduler;
    private final KeyFetcher fetcher;
    private final Duration refreshInterval;
    private final long minRefetchNanos;
    private final Duration timeout;
    private final AtomicLong fetches = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile Runnable keysRemovedListener = NO_LISTENER;
    private volatile boolean closed;

    private RemoteKeySource(String kind, String description, Set<String> algorithms, VerifierSettings settings,
                            URI jwksUrl, List<String> issuers) {
        this.kind = kind;
        this.description = description;
        this.algorithms = algorithms;
        this.refreshInterval = settings.jwksRefreshInterval();
        this.minRefetchNanos = settings.jwksMinRefetchInterval().toNanos();
        this.timeout = settings.jwksTimeout();
        this.fetcher = new KeyFetcher(timeout, KeyFetcher.MAX_DOCUMENT_BYTES);
        this.scheduler = new ScheduledThreadPoolExecutor(1, new KeysThreadFactory());
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        if (jwksUrl != null) {
            this.single = new Endpoint(null, jwksUrl);
            this.byIssuer = Collections.emptyMap();
        } else {
            Map<String, Endpoint> map = new LinkedHashMap<>();
            for (String issuer : issuers) {
                map.put(issuer, new Endpoint(issuer, null));
            }
            this.byIssuer = Collections.unmodifiableMap(map);
            this.single = null;
        }
    }

    /** Keys from {@code jwks-url}; the first fetch is started in the background. */
    static RemoteKeySource forJwksUrl(VerifierSettings settings, Set<String> algorithms) {
        URI url = settings.jwksUrl();
        if (!KeyFetcher.isAllowedLocation(url)) {
            throw new IllegalArgumentException("jwks-url: must be https:, http: on a loopback host, or file:");
        }
        requirePortInRange("jwks-url", url);
        RemoteKeySource source = new RemoteKeySource("jwks", "jwks " + KeyFetcher.describe(url), algorithms,
                settings, url, null);
        if ("file".equalsIgnoreCase(url.getScheme())) {
            source.single.keys = source.readKeyFileAtStart(url);
        }
        source.start();
        return source;
    }

    /**
     * A {@code file:} key set is read before the agent starts, as a PEM file is, and stops the JVM
     * when it is no key set or holds no key usable here: otherwise the service would start and
     * refuse every token. Its keys are in place for the first request; the refreshes read it again.
     */
    private KeySet readKeyFileAtStart(URI url) {
        List<VerificationKey> loaded;
        try {
            loaded = KeyMaterial.parseJwks(fetcher.fetch(url), algorithms, false);
        } catch (IOException | RuntimeException e) {
            // The reasons name the document's shape or size, never its text.
            throw new IllegalArgumentException("jwks-url: " + KeyFetcher.describe(url) + ": " + e.getMessage());
        }
        if (loaded.isEmpty()) {
            throw new IllegalArgumentException("jwks-url: " + KeyFetcher.describe(url) + " holds no signing key usable with "
                    + String.join(", ", new TreeSet<>(algorithms)));
        }
        return new KeySet(loaded);
    }

    /** Keys from OIDC discovery of each issuer; the first fetches are started in the background. */
    static RemoteKeySource forIssuers(VerifierSettings settings, Set<String> algorithms) {
        List<String> issuers = settings.issuers();
        for (String issuer : issuers) {
            URI discovery;
            try {
                discovery = discoveryUri(issuer);
            } catch (URISyntaxException e) {
                // Not quoted: an issuer URL's user info or query may hold credentials.
                throw new IllegalArgumentException("issuer: not a URL (" + e.getReason() + ")");
            }
            if (!KeyFetcher.isAllowedLocation(discovery) || "file".equalsIgnoreCase(discovery.getScheme())) {
                throw new IllegalArgumentException("issuer: OIDC discovery needs an https: issuer (http: only on a "
                        + "loopback host), not " + (discovery.getScheme() == null ? "one without a scheme"
                        : discovery.getHost() == null ? "one without a host" : discovery.getScheme() + ":"));
            }
            requirePortInRange("issuer", discovery);
        }
        RemoteKeySource source = new RemoteKeySource("oidc", "oidc discovery (" + issuers.size()
                + (issuers.size() == 1 ? " issuer)" : " issuers)"), algorithms, settings, null, issuers);
        source.start();
        return source;
    }

    /**
     * A port no connection can use (0, or above 65535, which {@link URI} accepts): the agent would start,
     * and refuse every token while the fetch failed for ever. The URL is not quoted, the port is.
     */
    private static void requirePortInRange(String key, URI url) {
        int port = url.getPort();
        if (port == 0 || port > 65535) {
            throw new IllegalArgumentException(key + ": port " + port + " is out of range (1 to 65535)");
        }
    }

    private static URI discoveryUri(String issuer) throws URISyntaxException {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return new URI(base + DISCOVERY_PATH);
    }

    private void start() {
        if (single != null) {
            scheduler.execute(new BackgroundRefresh(single));
        }
        for (Endpoint endpoint : byIssuer.values()) {
            scheduler.execute(new BackgroundRefresh(endpoint));
        }
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Set<String> algorithms() {
        return algorithms;
    }

    @Override
    public boolean selectsByIssuer() {
        return single == null;
    }

    @Override
    public KeyProvider providerFor(String issuer) {
        if (single != null) {
            return single;
        }
        return issuer == null ? null : byIssuer.get(issuer);
    }

    @Override
    public KeyStats stats() {
        return new KeyStats(fetches.get(), failures.get());
    }

    @Override
    public void onKeysRemoved(Runnable listener) {
        this.keysRemovedListener = listener;
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        if (single != null) {
            single.completePending();
        }
        for (Endpoint endpoint : byIssuer.values()) {
            endpoint.completePending();
        }
    }

    private static final Runnable NO_LISTENER = new Runnable() {
        @Override
        public void run() {
        }
    };

    /** The one daemon thread that fetches keys. */
    private static final class KeysThreadFactory implements ThreadFactory {
        @Override
        public Thread newThread(Runnable runnable) {
            Thread thread = new Thread(runnable, "jwt-agent-keys");
            thread.setDaemon(true);
            return thread;
        }
    }

    private static final class BackgroundRefresh implements Runnable {
        private final Endpoint endpoint;

        BackgroundRefresh(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public void run() {
            endpoint.backgroundRefresh();
        }
    }

    private static final class OnDemandRefresh implements Runnable {
        private final Endpoint endpoint;
        private final CompletableFuture<KeySet> result;

        OnDemandRefresh(Endpoint endpoint, CompletableFuture<KeySet> result) {
            this.endpoint = endpoint;
            this.result = result;
        }

        @Override
        public void run() {
            endpoint.onDemandRefresh(result);
        }
    }

    /** One key set: a JWKS URL, or the JWKS of one issuer found by discovery. */
    private final class Endpoint implements KeyProvider {
        private final String issuer;
        private final Object lock = new Object();
        private volatile URI jwksUri;
        private volatile KeySet keys = KeySet.EMPTY;
        private volatile Boolean healthy;
        private int consecutiveFailures;
        private long lastOnDemandNanos;
        private boolean onDemandUsed;
        /** Whether the discovery document's spelling of the issuer (another trailing '/') was reported. */
        private boolean issuerSpellingTold;
        /** Completed by the next fetch to finish; null when nobody waits. */
        private CompletableFuture<KeySet> pending;

        Endpoint(String issuer, URI jwksUri) {
            this.issuer = issuer;
            this.jwksUri = jwksUri;
        }

        @Override
        public KeySet current() {
            return keys;
        }

        @Override
        public KeySet refetchForUnknownKey(KeySet seen) {
            KeySet now = keys;
            if (now != seen || closed) {
                return now;
            }
            CompletableFuture<KeySet> result;
            synchronized (lock) {
                result = pending;
                if (result == null) {
                    long t = System.nanoTime();
                    if (onDemandUsed && t - lastOnDemandNanos < minRefetchNanos) {
                        return now;
                    }
                    onDemandUsed = true;
                    lastOnDemandNanos = t;
                    result = new CompletableFuture<>();
                    pending = result;
                    CompletableFuture<KeySet> mine = result;
                    // The fetch is the agent's own work: the caller's token (a request run inside
                    // another on this thread has one) must not go with it to the key server.
                    CarriedToken hidden = TokenTasks.hide();
                    try {
                        scheduler.execute(new OnDemandRefresh(this, mine));
                    } catch (RejectedExecutionException e) {
                        pending = null;
                        return now;
                    } finally {
                        TokenTasks.unhide(hidden);
                    }
                }
            }
            try {
                return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return keys;
            } catch (ExecutionException | TimeoutException e) {
                return keys;
            }
        }

        private void onDemandRefresh(CompletableFuture<KeySet> mine) {
            synchronized (lock) {
                if (pending != mine) {
                    return;
                }
            }
            fetch(false);
            completePending();
        }

        void backgroundRefresh() {
            if (closed) {
                return;
            }
            CompletableFuture<KeySet> waitingBefore;
            synchronized (lock) {
                waitingBefore = pending;
            }
            boolean ok = fetch(true);
            // Only a wait that began before this fetch did: a later one, for a key published since,
            // is answered by its own fetch, queued behind this one.
            completePendingIf(waitingBefore);
            long delayNanos;
            if (ok) {
                consecutiveFailures = 0;
                delayNanos = refreshInterval.toNanos();
            } else {
                consecutiveFailures++;
                long first = Math.min(TimeUnit.SECONDS.toNanos(1), refreshInterval.toNanos());
                int doublings = Math.min(consecutiveFailures - 1, 30);
                delayNanos = Math.min(refreshInterval.toNanos(), first << doublings);
                if (delayNanos <= 0) {
                    delayNanos = refreshInterval.toNanos();
                }
            }
            if (!closed) {
                try {
                    scheduler.schedule(new BackgroundRefresh(this), delayNanos, TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    // closed meanwhile
                }
            }
        }

        void completePending() {
            CompletableFuture<KeySet> waiting;
            synchronized (lock) {
                waiting = pending;
                pending = null;
            }
            if (waiting != null) {
                waiting.complete(keys);
            }
        }

        private void completePendingIf(CompletableFuture<KeySet> expected) {
            if (expected == null) {
                return;
            }
            synchronized (lock) {
                if (pending != expected) {
                    return;
                }
                pending = null;
            }
            expected.complete(keys);
        }

        /** One fetch attempt, on the keys thread. Returns whether it produced keys. */
        private boolean fetch(boolean rediscover) {
            fetches.incrementAndGet();
            try {
                URI location = jwksUri;
                if (issuer != null && (location == null || rediscover)) {
                    location = discover();
                    jwksUri = location;
                }
                List<VerificationKey> loaded = KeyMaterial.parseJwks(fetcher.fetch(location), algorithms, false);
                // A document that arrived whole is the identity provider's word, even when it lists no
                // key usable here (none at all, or only for encryption or other algorithms): a key it
                // no longer lists stops verifying. Only a fetch or a document that failed keeps the
                // last-known-good keys.
                KeySet fresh = new KeySet(loaded);
                KeySet previous = keys;
                keys = fresh;
                if (previous.losesKeysIn(fresh)) {
                    keysRemovedListener.run();
                }
                if (loaded.isEmpty()) {
                    failures.incrementAndGet();
                    if (!Boolean.FALSE.equals(healthy)) {
                        healthy = Boolean.FALSE;
                        LOG.warn("no usable signing keys in {} (dropped {} known keys); every token is refused until"
                                + " it lists one, retrying with backoff", KeyFetcher.describe(location), previous.size());
                    }
                    return false;
                }
                if (!Boolean.TRUE.equals(healthy)) {
                    healthy = Boolean.TRUE;
                    LOG.info("loaded {} signing {} from {}", fresh.size(), fresh.size() == 1 ? "key" : "keys", KeyFetcher.describe(location));
                }
                return true;
            } catch (IOException | RuntimeException e) {
                failures.incrementAndGet();
                if (!Boolean.FALSE.equals(healthy)) {
                    healthy = Boolean.FALSE;
                    LOG.warn("cannot fetch signing keys for {}: {}; keeping {} last-known-good keys and retrying"
                            + " with backoff", issuer != null ? KeyFetcher.describeIssuer(issuer) : description, e.getMessage(), keys.size());
                }
                return false;
            }
        }

        private URI discover() throws IOException {
            URI discovery;
            try {
                discovery = discoveryUri(issuer);
            } catch (URISyntaxException e) {
                throw new IOException("issuer is not a URL");
            }
            Map<String, Object> doc;
            try {
                doc = Jose.parseObject(fetcher.fetch(discovery));
            } catch (TokenRejectedException e) {
                throw new IOException("discovery document of " + KeyFetcher.describeIssuer(issuer) + " is not a JSON object");
            }
            if (!stripSlash(issuer).equals(doc.get("issuer") instanceof String ? stripSlash((String) doc.get("issuer")) : null)) {
                throw new IOException("discovery document names a different issuer than " + KeyFetcher.describeIssuer(issuer));
            }
            String named = (String) doc.get("issuer");
            if (!named.equals(issuer) && !issuerSpellingTold) {
                // The provider's tokens name the issuer as its document does, and iss is compared exactly:
                // keys arrive, and yet every token is refused as of the wrong issuer.
                issuerSpellingTold = true;
                LOG.warn("issuer {} is spelt {} by its discovery document, whose tokens name it so; tokens are held to the"
                        + " issuer as configured, so they are refused as of the wrong issuer: configure it as the document"
                        + " spells it", KeyFetcher.describeIssuer(issuer), KeyFetcher.describeIssuer(named));
            }
            Object uri = doc.get("jwks_uri");
            if (!(uri instanceof String)) {
                throw new IOException("discovery document of " + KeyFetcher.describeIssuer(issuer) + " has no jwks_uri");
            }
            try {
                URI jwks = new URI((String) uri);
                if (!KeyFetcher.isAllowedLocation(jwks) || "file".equalsIgnoreCase(jwks.getScheme())) {
                    throw new IOException("jwks_uri of " + KeyFetcher.describeIssuer(issuer) + " is not https: (or http: on loopback)");
                }
                return jwks;
            } catch (URISyntaxException e) {
                throw new IOException("jwks_uri of " + KeyFetcher.describeIssuer(issuer) + " is not a URL");
            }
        }

        private String stripSlash(String s) {
            return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        }
    }
}
