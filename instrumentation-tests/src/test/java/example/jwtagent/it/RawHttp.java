package example.jwtagent.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately dumb HTTP/1.1 client over a socket, so that inbound tests send exactly the
 * header lines they mean (duplicates, tabs, odd casing) and no instrumented client is involved.
 */
public final class RawHttp {
    private RawHttp() {
    }

    public static final class Response {
        public final int status;
        public final Map<String, List<String>> headers;
        public final String body;

        Response(int status, Map<String, List<String>> headers, String body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        /** The value of {@code key=} in the test service's line-based answer. */
        public String field(String key) {
            for (String line : body.split("\n")) {
                if (line.startsWith(key + "=")) {
                    return line.substring(key.length() + 1);
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }

    public static Response get(String baseUrl, String pathAndQuery, String... headerLines) throws IOException {
        return send("GET", baseUrl, pathAndQuery, headerLines);
    }

    public static Response send(String method, String baseUrl, String pathAndQuery, String... headerLines) throws IOException {
        URI uri = URI.create(baseUrl);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(20_000);
            StringBuilder request = new StringBuilder();
            request.append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\n");
            request.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
            request.append("Connection: close\r\n");
            for (String line : headerLines) {
                request.append(line).append("\r\n");
            }
            request.append("\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return parse(socket.getInputStream());
        }
    }

    /**
     * Everything {@code in} gives until it is closed or its socket's read timeout passes (a kept-alive
     * connection stays open: the answers are in by then), as ISO-8859-1.
     */
    public static String readUntilQuiet(InputStream in) throws IOException {
        StringBuilder all = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                all.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (java.net.SocketTimeoutException ignored) {
            // the read timeout: the answers are in
        }
        return all.toString();
    }

    public static String bearer(String token) {
        return "Authorization: Bearer " + token;
    }

    private static Response parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int headerEnd = text.indexOf("\r\n\r\n");
        String head = headerEnd < 0 ? text : text.substring(0, headerEnd);
        String body = headerEnd < 0 ? "" : text.substring(headerEnd + 4);
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            chunked |= name.equals("transfer-encoding") && value.equalsIgnoreCase("chunked");
        }
        return new Response(status, headers, chunked ? unchunk(body) : body);
    }

    private static String unchunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < body.length()) {
            int lineEnd = body.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(body.substring(at, lineEnd).trim().split(";")[0], 16);
            if (size == 0) {
                break;
            }
            out.append(body, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }
}
