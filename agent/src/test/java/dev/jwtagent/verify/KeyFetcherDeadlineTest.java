package dev.jwtagent.verify;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A key fetch over HTTPS ends at one deadline (twice the timeout) for the whole exchange: a server
 * that sends its answer a byte at a time, each well within the read timeout, no longer holds the
 * keys thread for ever. Before, only the body was bounded; headers sent so never ended.
 */
class KeyFetcherDeadlineTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final String DOCUMENT = "{\"keys\":[]}";

    @TempDir
    static Path dir;
    private static SSLContext server;
    private static SSLSocketFactory previousDefault;

    @BeforeAll
    static void makeCertificate() throws Exception {
        Path store = dir.resolve("localhost.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "localhost", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)).redirectErrorStream(true).start();
        try (InputStream output = keytool.getInputStream()) {
            output.readAllBytes();
        }
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool made the certificate");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = java.nio.file.Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD);
        server = SSLContext.getInstance("TLS");
        server.init(keyManagers.getKeyManagers(), null, null);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);
        // The fetch uses HttpsURLConnection's default TLS, as the application's own calls do.
        previousDefault = HttpsURLConnection.getDefaultSSLSocketFactory();
        HttpsURLConnection.setDefaultSSLSocketFactory(client.getSocketFactory());
    }

    @AfterAll
    static void restoreDefault() {
        HttpsURLConnection.setDefaultSSLSocketFactory(previousDefault);
    }

    /** One connection: the request is read, then the answer is written {@code bytesAtATime} bytes every {@code pauseMillis}. */
    private static SSLServerSocket serve(int bytesAtATime, long pauseMillis) throws IOException {
        SSLServerSocket socket = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        Thread serving = new Thread(() -> {
            try (SSLSocket connection = (SSLSocket) socket.accept()) {
                InputStream in = connection.getInputStream();
                int matched = 0;
                while (matched < 4) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                byte[] answer = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + DOCUMENT.length()
                        + "\r\n\r\n" + DOCUMENT).getBytes(StandardCharsets.US_ASCII);
                OutputStream out = connection.getOutputStream();
                for (int i = 0; i < answer.length; i += bytesAtATime) {
                    out.write(answer, i, Math.min(bytesAtATime, answer.length - i));
                    out.flush();
                    Thread.sleep(pauseMillis);
                }
            } catch (IOException | InterruptedException ignored) {
                // the client gave up
            }
        }, "trickling-key-server");
        serving.setDaemon(true);
        serving.start();
        return socket;
    }

    @Test
    void aServerThatSendsItsHeadersAByteAtATimeIsCutOffAtTheDeadline() throws Exception {
        try (SSLServerSocket socket = serve(1, 150)) {
            KeyFetcher fetcher = new KeyFetcher(Duration.ofMillis(500), KeyFetcher.MAX_DOCUMENT_BYTES);
            long started = System.nanoTime();
            assertThrows(IOException.class, () -> fetcher.fetch(URI.create("https://localhost:" + socket.getLocalPort() + "/keys")));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            // The answer would take about 14 s at this pace; the deadline is 1 s.
            assertTrue(millis < 3000, "gave up after " + millis + " ms");
        }
    }

    @Test
    void aPromptServerIsReadWhole() throws Exception {
        try (SSLServerSocket socket = serve(64, 0)) {
            KeyFetcher fetcher = new KeyFetcher(Duration.ofMillis(500), KeyFetcher.MAX_DOCUMENT_BYTES);
            assertEquals(DOCUMENT, fetcher.fetch(URI.create("https://localhost:" + socket.getLocalPort() + "/keys")));
        }
    }
}
