package dev.jwtagent.verify;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A GET of a key document over plain HTTP from a loopback host, with one deadline for the whole
 * exchange: connection, status line, headers, body and a chunked body's trailers.
 * {@code HttpURLConnection}'s read timeout holds for each read only, and over plain HTTP it takes
 * no socket from the agent, so a server that sent a header line, or a trailer after the last
 * chunk, now and then held the agent's one keys thread for ever (the fetches of every issuer
 * with it). HTTPS fetches lay TLS over such a socket instead ({@link DeadlineSocketFactory}).
 *
 * <p>HTTP/1.1, one request per connection ({@code Connection: close}), no content coding, no
 * redirect, no proxy: the host must resolve to a loopback address, as plain HTTP is allowed only
 * there.
 */
final class LoopbackHttp {
    /** The status line and headers together, and the trailers after a chunked body, at most. */
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    /** A chunk's size line (with any extensions), and the line ending its data, at most. */
    private static final int MAX_CHUNK_LINE_BYTES = 1024;

    private LoopbackHttp() {
    }

    /**
     * The body of a 200 answer to a GET of {@code uri}, at most {@code maxBytes} long. Throws when
     * the host is not loopback, the answer is not 200, is larger, or is not complete by
     * {@code deadlineNanos}; each read also waits at most {@code timeoutMillis}.
     */
    static byte[] get(URI uri, int timeoutMillis, long deadlineNanos, int maxBytes) throws IOException {
        String host = uri.getHost();
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress address = InetAddress.getByName(bare);
        if (!address.isLoopbackAddress()) {
            throw new IOException(KeyFetcher.describe(uri) + " does not resolve to a loopback address (plain http: is allowed only there)");
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(address, port), timeoutMillis);
            plain.setSoTimeout(timeoutMillis);
            Socket socket = new DeadlineSocketFactory.DeadlineSocket(plain, deadlineNanos);
            OutputStream out = socket.getOutputStream();
            String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            out.write(("GET " + target + " HTTP/1.1\r\nHost: " + host + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                    + "\r\nAccept: application/json, application/jwk-set+json\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return readAnswer(new BufferedInputStream(socket.getInputStream()), uri, maxBytes);
        }
    }

    /** The body of the answer in {@code in}, the answer to a GET of {@code uri}. */
    static byte[] readAnswer(InputStream in, URI uri, int maxBytes) throws IOException {
        int[] headBudget = {MAX_HEAD_BYTES};
        String statusLine = line(in, headBudget);
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            throw new IOException("not an HTTP answer from " + KeyFetcher.describe(uri));
        }
        int status = parseStatus(statusLine.substring(9, 12), uri);
        if (status != 200) {
            throw new IOException("HTTP " + status + " from " + KeyFetcher.describe(uri));
        }
        long length = -1;
        boolean chunked = false;
        for (String header = line(in, headBudget); !header.isEmpty(); header = line(in, headBudget)) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line from " + KeyFetcher.describe(uri));
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            if (name.equals("transfer-encoding")) {
                if (!value.equalsIgnoreCase("chunked")) {
                    throw new IOException("a transfer coding other than chunked from " + KeyFetcher.describe(uri));
                }
                chunked = true;
            } else if (name.equals("content-length")) {
                long given = parseLength(value, uri);
                if (length >= 0 && given != length) {
                    throw new IOException("two content lengths from " + KeyFetcher.describe(uri));
                }
                length = given;
            }
        }
        if (!chunked && length > maxBytes) {
            throw new IOException("document from " + KeyFetcher.describe(uri) + " larger than " + maxBytes + " bytes");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            readChunks(in, body, headBudget, uri, maxBytes);
        } else if (length >= 0) {
            copy(in, body, length, uri, maxBytes);
            if (body.size() < length) {
                throw new IOException("document from " + KeyFetcher.describe(uri) + " ended before its length");
            }
        } else {
            copy(in, body, Long.MAX_VALUE, uri, maxBytes);
        }
        return body.toByteArray();
    }

    private static void readChunks(InputStream in, ByteArrayOutputStream body, int[] headBudget, URI uri, int maxBytes) throws IOException {
        while (true) {
            // Chunk lines count apart from the head: every chunk adds to the body, which the cap bounds.
            String sizeLine = line(in, new int[] {MAX_CHUNK_LINE_BYTES});
            int extension = sizeLine.indexOf(';');
            String hex = (extension >= 0 ? sizeLine.substring(0, extension) : sizeLine).trim();
            long size;
            try {
                size = hex.isEmpty() || hex.length() > 8 ? -1 : Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 0) {
                throw new IOException("malformed chunk from " + KeyFetcher.describe(uri));
            }
            if (size == 0) {
                // The trailers, up to the empty line: within the head's budget and the deadline.
                while (!line(in, headBudget).isEmpty()) {
                    // Trailers say nothing a key document needs.
                }
                return;
            }
            int before = body.size();
            copy(in, body, size, uri, maxBytes);
            if (body.size() - before < size || !line(in, new int[] {MAX_CHUNK_LINE_BYTES}).isEmpty()) {
                throw new IOException("malformed chunk from " + KeyFetcher.describe(uri));
            }
        }
    }

    /** Copies up to {@code count} bytes (to the end of the stream at most), refusing more than {@code maxBytes} in all. */
    private static void copy(InputStream in, ByteArrayOutputStream body, long count, URI uri, int maxBytes) throws IOException {
        byte[] buffer = new byte[8192];
        long left = count;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                return;
            }
            if (body.size() + n > maxBytes) {
                throw new IOException("document from " + KeyFetcher.describe(uri) + " larger than " + maxBytes + " bytes");
            }
            body.write(buffer, 0, n);
            left -= n;
        }
    }

    /** One line without its CR LF (a bare LF ends it too), charged to {@code budget}. */
    private static String line(InputStream in, int[] budget) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("key server closed the connection within the answer's head");
            }
            if (--budget[0] < 0) {
                throw new IOException("key server's answer has a line, or status, headers and trailers, longer than allowed");
            }
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append((char) b);
        }
    }

    private static int parseStatus(String digits, URI uri) throws IOException {
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                throw new IOException("not an HTTP answer from " + KeyFetcher.describe(uri));
            }
        }
        return Integer.parseInt(digits);
    }

    private static long parseLength(String value, URI uri) throws IOException {
        if (value.isEmpty() || value.length() > 18) {
            throw new IOException("malformed content length from " + KeyFetcher.describe(uri));
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                throw new IOException("malformed content length from " + KeyFetcher.describe(uri));
            }
        }
        return Long.parseLong(value);
    }
}
