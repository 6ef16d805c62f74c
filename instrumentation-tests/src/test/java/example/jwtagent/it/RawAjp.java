package example.jwtagent.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A bare AJP 1.3 client that forwards a GET as Apache httpd's mod_proxy_ajp does: one forward
 * request packet on a connection of its own (the common request headers by their codes, any other
 * by name; the shared secret and request attributes after them), then the container's packets read
 * to the end of the response.
 */
final class RawAjp {
    /** The request headers AJP sends as a code (0xA001 onwards), in the order of their codes. */
    private static final String[] REQUEST_CODES = {"accept", "accept-charset", "accept-encoding", "accept-language",
            "authorization", "connection", "content-type", "content-length", "cookie", "cookie2", "host", "pragma", "referer",
            "user-agent"};
    /** The response headers the container sends as a code (0xA001 onwards). */
    private static final String[] RESPONSE_CODES = {"content-type", "content-language", "content-length", "date",
            "last-modified", "location", "set-cookie", "set-cookie2", "servlet-engine", "status", "www-authenticate"};
    private static final int FORWARD_REQUEST = 2;
    private static final int GET = 2;
    private static final int QUERY_STRING = 0x05;
    private static final int ATTRIBUTE = 0x0A;
    private static final int SECRET = 0x0C;
    private static final int END = 0xFF;

    private RawAjp() {
    }

    /**
     * Forwards {@code GET path}. {@code headers} and {@code attributes} are name, value, name,
     * value...; a header name in {@link #REQUEST_CODES} (in any case) goes as its code, unless
     * written with a leading {@code =}, which sends the rest as a name.
     */
    static RawHttp.Response get(int port, String secret, String path, String[] headers, String... attributes) throws IOException {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(FORWARD_REQUEST);
        packet.write(GET);
        string(packet, "HTTP/1.1");
        int query = path.indexOf('?');
        string(packet, query < 0 ? path : path.substring(0, query));
        string(packet, "127.0.0.1");
        string(packet, "localhost");
        string(packet, "localhost");
        integer(packet, 80);
        packet.write(0);
        integer(packet, headers.length / 2);
        for (int i = 0; i < headers.length; i += 2) {
            headerName(packet, headers[i]);
            string(packet, headers[i + 1]);
        }
        packet.write(SECRET);
        string(packet, secret);
        if (query >= 0) {
            // AJP sends the query string apart from the path, as an attribute.
            packet.write(QUERY_STRING);
            string(packet, path.substring(query + 1));
        }
        for (int i = 0; i < attributes.length; i += 2) {
            packet.write(ATTRIBUTE);
            string(packet, attributes[i]);
            string(packet, attributes[i + 1]);
        }
        packet.write(END);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            byte[] payload = packet.toByteArray();
            out.write(new byte[] {0x12, 0x34, (byte) (payload.length >> 8), (byte) payload.length});
            out.write(payload);
            out.flush();
            return read(new DataInputStream(socket.getInputStream()), out);
        }
    }

    private static RawHttp.Response read(DataInputStream in, OutputStream out) throws IOException {
        int status = -1;
        Map<String, List<String>> headers = new LinkedHashMap<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            if (in.readUnsignedByte() != 'A' || in.readUnsignedByte() != 'B') {
                throw new IOException("not an AJP packet from the container");
            }
            byte[] payload = new byte[in.readUnsignedShort()];
            in.readFully(payload);
            DataInputStream packet = new DataInputStream(new java.io.ByteArrayInputStream(payload));
            int type = packet.readUnsignedByte();
            if (type == 4) {
                status = packet.readUnsignedShort();
                readString(packet);
                int count = packet.readUnsignedShort();
                for (int i = 0; i < count; i++) {
                    int first = packet.readUnsignedShort();
                    String name = (first & 0xFF00) == 0xA000 ? RESPONSE_CODES[(first & 0xFF) - 1] : readString(packet, first);
                    headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(readString(packet));
                }
            } else if (type == 3) {
                byte[] chunk = new byte[packet.readUnsignedShort()];
                packet.readFully(chunk);
                body.write(chunk);
            } else if (type == 6) {
                // The container asks for the request's body: there is none.
                out.write(new byte[] {0x12, 0x34, 0, 0});
                out.flush();
            } else if (type == 5) {
                return new RawHttp.Response(status, headers, body.toString(StandardCharsets.UTF_8));
            }
        }
    }

    private static void headerName(ByteArrayOutputStream packet, String name) {
        if (!name.startsWith("=")) {
            for (int i = 0; i < REQUEST_CODES.length; i++) {
                if (REQUEST_CODES[i].equalsIgnoreCase(name)) {
                    packet.write(0xA0);
                    packet.write(i + 1);
                    return;
                }
            }
        }
        string(packet, name.startsWith("=") ? name.substring(1) : name);
    }

    private static void integer(ByteArrayOutputStream packet, int value) {
        packet.write(value >> 8);
        packet.write(value);
    }

    private static void string(ByteArrayOutputStream packet, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        integer(packet, bytes.length);
        packet.write(bytes, 0, bytes.length);
        packet.write(0);
    }

    private static String readString(DataInputStream packet) throws IOException {
        return readString(packet, packet.readUnsignedShort());
    }

    private static String readString(DataInputStream packet, int length) throws IOException {
        if (length == 0xFFFF) {
            return null;
        }
        byte[] bytes = new byte[length];
        packet.readFully(bytes);
        packet.readUnsignedByte();
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
