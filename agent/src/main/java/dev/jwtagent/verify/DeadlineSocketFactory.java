package dev.jwtagent.verify;

import javax.net.ssl.SSLSocketFactory;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;

/**
 * TLS for one key fetch, with one deadline for the whole exchange: handshake, status line, headers
 * and body. {@code HttpURLConnection}'s read timeout holds for each read only, so a server that sends
 * a byte now and then would hold the agent's one keys thread for ever. The TLS socket is laid over
 * the connection's plain socket, each of whose reads waits at most until the deadline; trust,
 * hostname checks and proxies are {@code HttpsURLConnection}'s, as without this.
 *
 * <p>Unconnected sockets are not offered ({@link #createSocket()} is {@code SocketFactory}'s, which
 * refuses), so the connection connects a plain socket and then calls
 * {@link #createSocket(Socket, String, int, boolean)}.
 */
final class DeadlineSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory tls;
    private final long deadlineNanos;

    DeadlineSocketFactory(SSLSocketFactory tls, long deadlineNanos) {
        this.tls = tls;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
        return tls.createSocket(new DeadlineSocket(plain, deadlineNanos), host, port, autoClose);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return tls.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return tls.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        throw new SocketException("key fetches connect their own sockets");
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        throw new SocketException("key fetches connect their own sockets");
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        throw new SocketException("key fetches connect their own sockets");
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        throw new SocketException("key fetches connect their own sockets");
    }

    /** A connected socket whose reads end at the deadline; everything else is the socket's own. */
    static final class DeadlineSocket extends Socket {
        private final Socket socket;
        private final long deadlineNanos;
        private final InputStream in;

        DeadlineSocket(Socket socket, long deadlineNanos) throws IOException {
            this.socket = socket;
            this.deadlineNanos = deadlineNanos;
            this.in = new DeadlineInputStream(socket.getInputStream());
        }

        private final class DeadlineInputStream extends FilterInputStream {
            DeadlineInputStream(InputStream in) {
                super(in);
            }

            @Override
            public int read() throws IOException {
                waitAtMostUntilTheDeadline();
                return super.read();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                waitAtMostUntilTheDeadline();
                return super.read(buffer, offset, length);
            }
        }

        private void waitAtMostUntilTheDeadline() throws IOException {
            long remainingMillis = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                throw new SocketTimeoutException("key fetch not complete by its deadline");
            }
            int readTimeout = socket.getSoTimeout();
            socket.setSoTimeout((int) (readTimeout > 0 ? Math.min(readTimeout, remainingMillis) : Math.min(Integer.MAX_VALUE, remainingMillis)));
        }

        @Override
        public InputStream getInputStream() {
            return in;
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            return socket.getOutputStream();
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            socket.connect(endpoint, timeout);
        }

        @Override
        public InetAddress getInetAddress() {
            return socket.getInetAddress();
        }

        @Override
        public InetAddress getLocalAddress() {
            return socket.getLocalAddress();
        }

        @Override
        public int getPort() {
            return socket.getPort();
        }

        @Override
        public int getLocalPort() {
            return socket.getLocalPort();
        }

        @Override
        public SocketAddress getRemoteSocketAddress() {
            return socket.getRemoteSocketAddress();
        }

        @Override
        public SocketAddress getLocalSocketAddress() {
            return socket.getLocalSocketAddress();
        }

        @Override
        public void setTcpNoDelay(boolean on) throws SocketException {
            socket.setTcpNoDelay(on);
        }

        @Override
        public boolean getTcpNoDelay() throws SocketException {
            return socket.getTcpNoDelay();
        }

        @Override
        public void setSoLinger(boolean on, int linger) throws SocketException {
            socket.setSoLinger(on, linger);
        }

        @Override
        public int getSoLinger() throws SocketException {
            return socket.getSoLinger();
        }

        @Override
        public void setSoTimeout(int timeout) throws SocketException {
            socket.setSoTimeout(timeout);
        }

        @Override
        public int getSoTimeout() throws SocketException {
            return socket.getSoTimeout();
        }

        @Override
        public void setKeepAlive(boolean on) throws SocketException {
            socket.setKeepAlive(on);
        }

        @Override
        public boolean getKeepAlive() throws SocketException {
            return socket.getKeepAlive();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        @Override
        public void shutdownInput() throws IOException {
            socket.shutdownInput();
        }

        @Override
        public void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        @Override
        public boolean isConnected() {
            return socket.isConnected();
        }

        @Override
        public boolean isBound() {
            return socket.isBound();
        }

        @Override
        public boolean isClosed() {
            return socket.isClosed();
        }

        @Override
        public boolean isInputShutdown() {
            return socket.isInputShutdown();
        }

        @Override
        public boolean isOutputShutdown() {
            return socket.isOutputShutdown();
        }

        @Override
        public String toString() {
            return socket.toString();
        }
    }
}
