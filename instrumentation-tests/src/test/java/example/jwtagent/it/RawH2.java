package example.jwtagent.it;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A bare HTTP/2 client in clear text (prior knowledge) that sends header blocks exactly as written:
 * repeated fields, names in upper case, pseudo-headers in any order, which the usual clients
 * refuse to send. Header fields are encoded as HPACK literals without indexing or Huffman; the
 * server's answers are decoded with Netty's HPACK decoder ({@link NettyHeaderBlocks}), or with the
 * decoder given (a module without Netty on its class path gives Jetty's).
 */
final class RawH2 implements Closeable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final HeaderBlocks decoder;
    private int nextStream = 1;

    /** Decodes the server's header blocks of one connection (HPACK keeps state per connection). */
    interface HeaderBlocks {
        /** Adds the fields of {@code block} to {@code answer}: {@code :status} as its status, the others as its headers. */
        void decode(Answer answer, byte[] block, int stream) throws IOException;
    }

    RawH2(int port) throws IOException {
        this(port, new NettyHeaderBlocks());
    }

    RawH2(int port, HeaderBlocks decoder) throws IOException {
        this.decoder = decoder;
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        frame(0x4, 0, 0, new byte[0]);
        out.flush();
    }

    /** What the server answered on one stream. */
    static final class Answer {
        String status;
        final List<Map.Entry<CharSequence, CharSequence>> headers = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        /** The RST_STREAM or GOAWAY error code, or -1. */
        long reset = -1;
        boolean goAway;

        String header(String name) {
            for (Map.Entry<CharSequence, CharSequence> e : headers) {
                if (e.getKey().toString().equalsIgnoreCase(name)) {
                    return e.getValue().toString();
                }
            }
            return null;
        }

        String body() {
            return body.toString(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "status=" + status + " reset=" + reset + " goAway=" + goAway + " headers=" + headers + " body=" + body();
        }
    }

    /** Header blocks with two {@code authorization} fields (both valid, valid and forged, a split or an empty one): each is refused with 400 or a reset. */
    static String[][] twoAuthorizationFields(String valid, String forged) {
        return new String[][] {
                {"authorization", "Bearer " + valid, "authorization", "Bearer " + valid},
                {"authorization", "Bearer " + valid, "authorization", "Bearer " + forged},
                {"authorization", "Bearer " + forged, "authorization", "Bearer " + valid},
                {"authorization", "Bearer", "authorization", valid},
                {"authorization", "Bearer " + valid, "authorization", ""},
                {"authorization", "", "authorization", "Bearer " + valid},
        };
    }

    /** GET {@code path} with the pseudo-headers first, then {@code fields} (name, value, name, value...). */
    Answer get(String path, String... fields) throws IOException {
        List<String> all = new ArrayList<>(List.of(":method", "GET", ":scheme", "http", ":authority", "localhost", ":path", path));
        all.addAll(List.of(fields));
        return send(all.toArray(new String[0]));
    }

    /** A request of exactly these fields (name, value, ...), in this order, ending the stream. */
    Answer send(String... fields) throws IOException {
        int stream = nextStream;
        nextStream += 2;
        frame(0x1, 0x4 | 0x1, stream, block(fields));
        out.flush();
        return read(stream);
    }

    private static byte[] block(String... fields) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        for (int i = 0; i < fields.length; i += 2) {
            block.write(0x00); // literal without indexing, new name
            string(block, fields[i]);
            string(block, fields[i + 1]);
        }
        return block.toByteArray();
    }

    private static void string(ByteArrayOutputStream block, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        int length = bytes.length;
        if (length < 127) {
            block.write(length);
        } else {
            block.write(127);
            length -= 127;
            while (length >= 128) {
                block.write((length & 0x7f) | 0x80);
                length >>>= 7;
            }
            block.write(length);
        }
        block.write(bytes, 0, bytes.length);
    }

    private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        int n = payload.length;
        out.write(new byte[] {(byte) (n >>> 16), (byte) (n >>> 8), (byte) n, (byte) type, (byte) flags,
                (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream});
        out.write(payload);
    }

    private Answer read(int stream) throws IOException {
        Answer answer = new Answer();
        ByteArrayOutputStream headerBlock = new ByteArrayOutputStream();
        try {
            while (true) {
                int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int id = in.readInt() & 0x7fffffff;
                byte[] payload = new byte[length];
                in.readFully(payload);
                if (type == 0x4 && (flags & 0x1) == 0) {
                    frame(0x4, 0x1, 0, new byte[0]);
                    out.flush();
                } else if (type == 0x6 && (flags & 0x1) == 0) {
                    frame(0x6, 0x1, 0, payload);
                    out.flush();
                } else if (type == 0x7) {
                    answer.goAway = true;
                    answer.reset = ((payload[4] & 0xffL) << 24) | ((payload[5] & 0xff) << 16) | ((payload[6] & 0xff) << 8) | (payload[7] & 0xff);
                    return answer;
                } else if (id == stream && type == 0x3) {
                    answer.reset = ((payload[0] & 0xffL) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff);
                    return answer;
                } else if (id == stream && (type == 0x1 || type == 0x9)) {
                    int start = 0;
                    int end = length;
                    if (type == 0x1 && (flags & 0x8) != 0) {
                        start = 1;
                        end -= payload[0] & 0xff;
                    }
                    if (type == 0x1 && (flags & 0x20) != 0) {
                        start += 5;
                    }
                    headerBlock.write(payload, start, end - start);
                    if ((flags & 0x4) != 0) {
                        decoder.decode(answer, headerBlock.toByteArray(), stream);
                        headerBlock.reset();
                    }
                    if ((flags & 0x1) != 0) {
                        return answer;
                    }
                } else if (id == stream && type == 0x0) {
                    int start = 0;
                    int end = length;
                    if ((flags & 0x8) != 0) {
                        start = 1;
                        end -= payload[0] & 0xff;
                    }
                    answer.body.write(payload, start, end - start);
                    // No WINDOW_UPDATE: the answers are small, and Tomcat counts small updates as overhead.
                    if ((flags & 0x1) != 0) {
                        return answer;
                    }
                }
            }
        } catch (EOFException | SocketTimeoutException closed) {
            answer.goAway = true;
            return answer;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
