package dev.jwtagent.verify;

import dev.jwtagent.bootstrap.CarriedToken;
import dev.jwtagent.bootstrap.TokenTasks;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Locale;

/**
 * Reads key documents (JWKS, OIDC discovery) over HTTP(S) or from a file, with a size cap and an
 * overall deadline of twice the timeout for the whole exchange, so neither a huge nor a never-ending
 * response can hold the keys thread or the heap: over HTTPS with {@code HttpsURLConnection} on a
 * socket that ends at the deadline ({@link DeadlineSocketFactory}), over loopback HTTP with
 * {@link LoopbackHttp}. Redirects are not followed: the configured location is the one that is trusted.
 */
public final class KeyFetcher {
    static final int MAX_DOCUMENT_BYTES = 1024 * 1024;

    private final Duration timeout;
    private final int maxBytes;

    KeyFetcher(Duration timeout, int maxBytes) {
        this.timeout = timeout;
        this.maxBytes = maxBytes;
    }

    /**
     * Whether keys may be fetched from {@code uri}: {@code https:}, {@code http:} on a loopback
     * host (by name, no DNS lookup), or {@code file:}.
     */
    static boolean isAllowedLocation(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "https":
                return uri.getHost() != null;
            case "http":
                return uri.getHost() != null && isLoopback(uri.getHost());
            case "file":
                return uri.getPath() != null;
            default:
                return false;
        }
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    /** A location for messages and logs: no user info, query or fragment. */
    /**
     * An issuer as logs may show it (it may hold credentials): a URL without user info, query or
     * fragment, as {@link #describe(URI)}; any other issuer as it is, unless it holds '@' or '?'.
     */
    public static String describeIssuer(String issuer) {
        try {
            URI uri = new URI(issuer);
            if (uri.getScheme() != null && uri.getHost() != null) {
                return describe(uri);
            }
        } catch (java.net.URISyntaxException e) {
            // Not a URL: shown as it is, unless it may hold user info or a query.
        }
        return issuer.indexOf('@') >= 0 || issuer.indexOf('?') >= 0 ? "(an issuer holding '@' or '?', not shown)" : issuer;
    }

    static String describe(URI uri) {
        if ("file".equalsIgnoreCase(uri.getScheme())) {
            return "file:" + uri.getPath();
        }
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getPath() == null ? "" : uri.getPath());
    }

    String fetch(URI uri) throws IOException {
        // The agent's own call: whatever token the thread holds (a task captured during a request)
        // is not the key server's to see, and the HttpURLConnection hook would otherwise send it.
        CarriedToken hidden = TokenTasks.hide();
        try {
            return fetchWithoutToken(uri);
        } finally {
            TokenTasks.unhide(hidden);
        }
    }

    private String fetchWithoutToken(URI uri) throws IOException {
        if (!isAllowedLocation(uri)) {
            throw new IOException("refusing to fetch keys from " + describe(uri));
        }
        long deadline = System.nanoTime() + 2 * timeout.toNanos();
        if ("file".equalsIgnoreCase(uri.getScheme())) {
            try (InputStream in = Files.newInputStream(Paths.get(uri))) {
                return readCapped(in, deadline);
            }
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            return readCapped(new java.io.ByteArrayInputStream(LoopbackHttp.get(uri, millis, deadline, maxBytes)), deadline);
        }
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        try {
            connection.setConnectTimeout(millis);
            connection.setReadTimeout(millis);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setRequestProperty("Accept", "application/json, application/jwk-set+json");
            if (connection instanceof javax.net.ssl.HttpsURLConnection) {
                javax.net.ssl.HttpsURLConnection https = (javax.net.ssl.HttpsURLConnection) connection;
                https.setSSLSocketFactory(new DeadlineSocketFactory(https.getSSLSocketFactory(), deadline));
            }
            int status = connection.getResponseCode();
            if (status != 200) {
                throw new IOException("HTTP " + status + " from " + describe(uri));
            }
            long length = connection.getContentLengthLong();
            if (length > maxBytes) {
                throw new IOException("document from " + describe(uri) + " larger than " + maxBytes + " bytes");
            }
            try (InputStream in = connection.getInputStream()) {
                return readCapped(in, deadline);
            }
        } finally {
            connection.disconnect();
        }
    }

    private String readCapped(InputStream in, long deadline) throws IOException {
        byte[] buffer = new byte[8192];
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int n;
        while ((n = in.read(buffer)) != -1) {
            if (out.size() + n > maxBytes) {
                throw new IOException("key document larger than " + maxBytes + " bytes");
            }
            out.write(buffer, 0, n);
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("key document not complete within " + 2 * timeout.toMillis() + " ms");
            }
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray())).toString();
            // A leading byte order mark, which RFC 8259 (section 8.1) lets a parser ignore: some servers
            // and editors write one, and it would make every document of such a provider unreadable.
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new IOException("key document is not UTF-8");
        }
    }
}
