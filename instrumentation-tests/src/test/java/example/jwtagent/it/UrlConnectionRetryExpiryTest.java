package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code HttpURLConnection} writes a request again within the same call: when the connection ends
 * before the answer came (the JDK then sends a GET once more, on a new connection) and when it
 * follows a redirect. Each of these writes comes after the agent decided, possibly seconds after:
 * a token that has expired by then does not go (the rule allows no skew). Before, the write the
 * JDK retries (from within reading the answer, past the point where the agent adds its header) went
 * with the header the first write had, expired or not; a redirect was already decided anew. A token
 * that outlives the call goes on every write (the control).
 */
class UrlConnectionRetryExpiryTest {
    /** How long the server keeps the first request before it acts; the short-lived token expires meanwhile. */
    private static final int HOLD_MILLIS = 2500;

    @Test
    void aRequestTheJdkSendsAgainAfterItsTokenExpiredGoesWithoutIt() throws Exception {
        try (ScriptedServer server = new ScriptedServer(ScriptedServer.CLOSE_WITHOUT_ANSWER)) {
            String alice = Tokens.valid("alice");
            assertEquals(200, get(server.url("/orders"), alice, System.currentTimeMillis() + 1000));
            assertEquals(List.of("GET /orders", "GET /orders"), server.requestLines(), "sent again on a new connection");
            assertEquals(List.of(List.of("Bearer " + alice), List.of()), server.authorizations());
        }
    }

    @Test
    void aRedirectFollowedAfterTheTokenExpiredGoesWithoutIt() throws Exception {
        try (ScriptedServer server = new ScriptedServer("/landing")) {
            String alice = Tokens.valid("alice");
            assertEquals(200, get(server.url("/orders"), alice, System.currentTimeMillis() + 1000));
            assertEquals(List.of("GET /orders", "GET /landing"), server.requestLines());
            assertEquals(List.of(List.of("Bearer " + alice), List.of()), server.authorizations());
        }
    }

    @Test
    void aTokenThatOutlivesTheCallGoesOnEveryWrite() throws Exception {
        String alice = Tokens.valid("alice");
        try (ScriptedServer server = new ScriptedServer(ScriptedServer.CLOSE_WITHOUT_ANSWER)) {
            assertEquals(200, get(server.url("/orders"), alice, System.currentTimeMillis() + 60_000));
            assertEquals(List.of(List.of("Bearer " + alice), List.of("Bearer " + alice)), server.authorizations());
        }
        try (ScriptedServer server = new ScriptedServer("/landing")) {
            assertEquals(200, get(server.url("/orders"), alice, System.currentTimeMillis() + 60_000));
            assertEquals(List.of(List.of("Bearer " + alice), List.of("Bearer " + alice)), server.authorizations());
        }
    }

    private static int get(String url, String token, long expiresAtMillis) throws Exception {
        return CurrentToken.withExpiry(token, expiresAtMillis, () -> {
            HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
            try (InputStream body = connection.getInputStream()) {
                body.readAllBytes();
                return connection.getResponseCode();
            } finally {
                connection.disconnect();
            }
        });
    }

    /**
     * A server on {@code localhost} that keeps its first request {@link #HOLD_MILLIS} and then
     * either closes the connection without answering or redirects to a path of its own, and answers
     * every later request 200 at once. Records each request's line and {@code Authorization} values.
     */
    static final class ScriptedServer implements AutoCloseable {
        static final String CLOSE_WITHOUT_ANSWER = "";

        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        private final List<String> requestLines = new CopyOnWriteArrayList<>();
        private final List<List<String>> authorizations = new CopyOnWriteArrayList<>();

        /** @param first {@link #CLOSE_WITHOUT_ANSWER}, or the path the first request is redirected to */
        ScriptedServer(String first) throws IOException {
            Thread acceptor = new Thread(() -> {
                try {
                    while (!server.isClosed()) {
                        try (Socket socket = server.accept()) {
                            serve(socket, first);
                        }
                    }
                } catch (IOException | InterruptedException closed) {
                    // The server is closed.
                }
            }, "scripted-downstream");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void serve(Socket socket, String first) throws IOException, InterruptedException {
            String head = readHead(socket.getInputStream());
            if (head == null) {
                return;
            }
            String[] lines = head.split("\r\n");
            String[] requestLine = lines[0].split(" ");
            List<String> authorization = new ArrayList<>();
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Authorization")) {
                    authorization.add(line.substring(colon + 1).trim());
                }
            }
            boolean isFirst = requestLines.isEmpty();
            requestLines.add(requestLine[0] + " " + requestLine[1]);
            authorizations.add(authorization);
            OutputStream out = socket.getOutputStream();
            if (isFirst) {
                Thread.sleep(HOLD_MILLIS);
                if (first.equals(CLOSE_WITHOUT_ANSWER)) {
                    return;
                }
                out.write(("HTTP/1.1 302 Found\r\nLocation: " + first + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                head.write(b);
                byte[] read = head.toByteArray();
                int n = read.length;
                if (n >= 4 && read[n - 4] == '\r' && read[n - 3] == '\n' && read[n - 2] == '\r' && read[n - 1] == '\n') {
                    return head.toString(StandardCharsets.US_ASCII);
                }
            }
            return null;
        }

        String url(String path) {
            return "http://localhost:" + server.getLocalPort() + path;
        }

        List<String> requestLines() {
            return new ArrayList<>(requestLines);
        }

        List<List<String>> authorizations() {
            return new ArrayList<>(authorizations);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
