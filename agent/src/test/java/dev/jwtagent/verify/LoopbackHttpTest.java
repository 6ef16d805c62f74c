package dev.jwtagent.verify;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A key fetch over plain HTTP from a loopback server ends at one deadline (twice the timeout) for
 * the whole exchange. Before, {@code HttpURLConnection} bounded each read only: a server that sent
 * a header line, or a trailer after the last chunk, every so often held the keys thread for ever.
 * The answers here are written by hand on a socket, as a server would.
 */
class LoopbackHttpTest {
    private static final String DOCUMENT = "{\"keys\":[]}";
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    /** A server of one connection: reads the request, then writes {@code head} and {@code lines}, one every {@code pauseMillis}. */
    private static final class ScriptedServer implements AutoCloseable {
        final ServerSocket socket;
        final List<String> requests = new CopyOnWriteArrayList<>();

        ScriptedServer(String head, List<String> lines, long pauseMillis) throws IOException {
            socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            Thread serving = new Thread(() -> {
                try (Socket connection = socket.accept()) {
                    requests.add(readRequest(connection.getInputStream()));
                    OutputStream out = connection.getOutputStream();
                    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    for (String line : lines) {
                        Thread.sleep(pauseMillis);
                        out.write(line.getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                    }
                } catch (IOException | InterruptedException ignored) {
                    // The client gave up.
                }
            }, "scripted-key-server");
            serving.setDaemon(true);
            serving.start();
        }

        URI uri(String path) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        private static String readRequest(InputStream in) throws IOException {
            StringBuilder request = new StringBuilder();
            while (!request.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                request.append((char) b);
            }
            return request.toString();
        }
    }

    private static List<String> endless(String line) {
        return java.util.Collections.nCopies(100_000, line);
    }

    /** The fetch, given at most 10 s: the old client never ended on these servers. */
    private static String fetchWithin10Seconds(URI uri) throws Exception {
        return fetchWithin10Seconds(uri, TIMEOUT);
    }

    private static String fetchWithin10Seconds(URI uri, Duration timeout) throws Exception {
        KeyFetcher fetcher = new KeyFetcher(timeout, KeyFetcher.MAX_DOCUMENT_BYTES);
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread fetching = new Thread(() -> {
            try {
                result.complete(fetcher.fetch(uri));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "fetch");
        fetching.setDaemon(true);
        fetching.start();
        try {
            return result.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    private static long millisSince(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    @Test
    void trailersThatNeverEndAreCutOffAtTheDeadline() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(DOCUMENT.length()) + "\r\n" + DOCUMENT + "\r\n0\r\n";
        try (ScriptedServer server = new ScriptedServer(head, endless("X-More: yes\r\n"), 100)) {
            long started = System.nanoTime();
            IOException refused = assertThrows(IOException.class, () -> fetchWithin10Seconds(server.uri("/keys")));
            assertTrue(millisSince(started) < 3000, "gave up after " + millisSince(started) + " ms");
            // At the deadline, or in the read that would have passed it.
            assertTrue(refused instanceof java.net.SocketTimeoutException, refused.toString());
        }
    }

    @Test
    void headersThatNeverEndAreCutOffAtTheDeadline() throws Exception {
        try (ScriptedServer server = new ScriptedServer("HTTP/1.1 200 OK\r\n", endless("X-More: yes\r\n"), 100)) {
            long started = System.nanoTime();
            assertThrows(IOException.class, () -> fetchWithin10Seconds(server.uri("/keys")));
            assertTrue(millisSince(started) < 3000, "gave up after " + millisSince(started) + " ms");
        }
    }

    @Test
    void aChunkedAnswerWithTrailersIsReadWhole() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                + "3;name=value\r\n{\"k\r\n" + Integer.toHexString(DOCUMENT.length() - 3) + "\r\n" + DOCUMENT.substring(3) + "\r\n0\r\nX-Done: yes\r\n\r\n";
        try (ScriptedServer server = new ScriptedServer(head, List.of(), 0)) {
            assertEquals(DOCUMENT, fetchWithin10Seconds(server.uri("/realm/keys?kind=jwks")));
            String request = server.requests.get(0);
            assertTrue(request.startsWith("GET /realm/keys?kind=jwks HTTP/1.1\r\nHost: 127.0.0.1:" + server.socket.getLocalPort() + "\r\n"), request);
            assertTrue(request.contains("\r\nConnection: close\r\n"), request);
        }
    }

    /** Chunk lines are not charged to the head's 64 KB: a document sent a byte a chunk, longer than that, comes whole. */
    @Test
    void aDocumentInOneByteChunksIsReadWhole() throws Exception {
        String document = "x".repeat(70_000);
        StringBuilder answer = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < document.length(); i++) {
            answer.append("1\r\nx\r\n");
        }
        answer.append("0\r\n\r\n");
        try (ScriptedServer server = new ScriptedServer(answer.toString(), List.of(), 0)) {
            // A fetch's deadline of its own, long enough for 70,000 chunks on a busy machine: what is
            // checked here is that they are read whole, not how fast.
            assertEquals(document, fetchWithin10Seconds(server.uri("/keys"), Duration.ofSeconds(4)));
        }
    }

    @Test
    void anAnswerWithALengthOrUntilClosedIsReadWhole() throws Exception {
        try (ScriptedServer server = new ScriptedServer("HTTP/1.1 200 OK\r\nContent-Length: " + DOCUMENT.length() + "\r\n\r\n" + DOCUMENT, List.of(), 0)) {
            assertEquals(DOCUMENT, fetchWithin10Seconds(server.uri("/keys")));
        }
        try (ScriptedServer server = new ScriptedServer("HTTP/1.0 200 OK\n\n" + DOCUMENT, List.of(), 0)) {
            assertEquals(DOCUMENT, fetchWithin10Seconds(server.uri("/keys")));
        }
    }

    @Test
    void anythingButAWholeOkAnswerWithinTheCapIsRefused() throws Exception {
        String large = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        List<String> chunks = java.util.Collections.nCopies(200, "2000\r\n" + "x".repeat(0x2000) + "\r\n");
        try (ScriptedServer server = new ScriptedServer(large, chunks, 0)) {
            IOException refused = assertThrows(IOException.class, () -> fetchWithin10Seconds(server.uri("/keys")));
            assertTrue(refused.getMessage().endsWith(" larger than " + KeyFetcher.MAX_DOCUMENT_BYTES + " bytes"), refused.getMessage());
        }
        try (ScriptedServer server = new ScriptedServer("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/\r\n\r\n", List.of(), 0)) {
            IOException refused = assertThrows(IOException.class, () -> fetchWithin10Seconds(server.uri("/keys")));
            assertEquals("HTTP 302 from " + server.uri("/keys"), refused.getMessage());
        }
        try (ScriptedServer server = new ScriptedServer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + DOCUMENT, List.of(), 0)) {
            assertThrows(IOException.class, () -> fetchWithin10Seconds(server.uri("/keys")));
        }
        try (ScriptedServer server = new ScriptedServer("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", List.of(), 0)) {
            assertThrows(IOException.class, () -> fetchWithin10Seconds(server.uri("/keys")));
        }
    }

    @Test
    void aHostThatIsNotLoopbackIsNotConnectedTo() {
        IOException refused = assertThrows(IOException.class,
                () -> LoopbackHttp.get(URI.create("http://10.0.0.1:9/keys"), 500, System.nanoTime() + 1_000_000_000L, 1024));
        assertEquals("http://10.0.0.1:9/keys does not resolve to a loopback address (plain http: is allowed only there)", refused.getMessage());
    }
}
