package example.jwtagent.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Requests written by hand on sockets the test holds, for tests in which one request waits (a long
 * poll) while others arrive on other connections and end it.
 */
final class HeldSockets {
    private HeldSockets() {
    }

    /** Writes a GET of {@code path}, with {@code token} as its bearer token unless null, closing the connection after. */
    static void send(Socket socket, String path, String token) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** What the server sent until it closed the connection or the socket's read timeout passed. */
    static String readAll(Socket socket) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = socket.getInputStream().read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException ignored) {
            // What came is enough.
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Waits up to 5 s for the server to have parked the request (the value no longer null). */
    static <T> T awaitParked(Supplier<T> parked) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (parked.get() == null && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        T value = parked.get();
        assertNotNull(value, "the waiting request went async");
        return value;
    }
}
