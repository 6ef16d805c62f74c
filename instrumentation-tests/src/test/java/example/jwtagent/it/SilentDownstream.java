package example.jwtagent.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A downstream that accepts connections and never reads or writes a byte: a client that waits for
 * the server's side of a handshake (HTTP/2's settings) waits until something else ends it.
 */
final class SilentDownstream implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    SilentDownstream() throws IOException {
        Thread acceptor = new Thread(() -> {
            try {
                while (!server.isClosed()) {
                    accepted.add(server.accept());
                }
            } catch (IOException closed) {
                // The downstream is closed.
            }
        }, "silent-downstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The URL of {@code pathAndQuery} on this downstream, by the name {@code localhost}. */
    String url(String pathAndQuery) {
        return "http://localhost:" + server.getLocalPort() + pathAndQuery;
    }

    /** How many connections it has accepted. */
    int accepted() {
        return accepted.size();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }
}
