package example.shop.inventory;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The inventory service, an ordinary Jetty 9.4 (javax.servlet) service.
 * {@code GET /stock?sku=book-42} answers the stock and asks an external shipping partner for a
 * quote with {@code HttpURLConnection}; {@code POST /reserve?sku=book-42} reserves one item.
 *
 * <p>Settings: {@code -Dserver.port} (default 18083), {@code -Dpartner.url} (default
 * {@code http://127.0.0.1:18090}). It listens on loopback only.
 */
public final class Inventory {
    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("server.port", 18083);
        String partnerUrl = System.getProperty("partner.url", "http://127.0.0.1:18090");

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new StockServlet(partnerUrl)), "/stock");
        context.addServlet(new ServletHolder(new ReserveServlet()), "/reserve");
        server.setHandler(context);
        server.start();
        System.out.println("inventory (Jetty 9.4, javax.servlet) ready on http://localhost:" + port + "/stock");
        server.join();
    }

    static final class StockServlet extends HttpServlet {
        private final String partnerUrl;

        StockServlet(String partnerUrl) {
            this.partnerUrl = partnerUrl;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String sku = request.getParameter("sku") == null ? "book-42" : request.getParameter("sku");
            String url = partnerUrl + "/shipping-quote?sku=" + URLEncoder.encode(sku, "UTF-8");
            String call;
            try {
                HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
                connection.setConnectTimeout(5000);
                connection.setReadTimeout(10000);
                int status = connection.getResponseCode();
                InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
                call = Json.call("partner", "HttpURLConnection", "GET " + url, status,
                        connection.getHeaderField("WWW-Authenticate"), in == null ? "" : read(in));
            } catch (IOException | RuntimeException e) {
                call = Json.failedCall("partner", "HttpURLConnection", "GET " + url, e);
            }
            // The caller as seen by this service (null when the request came without a token).
            Object subject = request.getAttribute("jwt.agent.subject");
            Json.reply(response, "{\"service\":\"inventory\",\"stack\":\"Jetty 9.4 (javax.servlet)\",\"action\":\"stock\","
                    + "\"sku\":" + Json.string(sku) + ",\"inStock\":7,"
                    + "\"subject\":" + Json.string(subject) + ",\"calls\":[" + call + "]}");
        }
    }

    static final class ReserveServlet extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String sku = request.getParameter("sku") == null ? "book-42" : request.getParameter("sku");
            Object subject = request.getAttribute("jwt.agent.subject");
            Json.reply(response, "{\"service\":\"inventory\",\"stack\":\"Jetty 9.4 (javax.servlet)\",\"action\":\"reserve\","
                    + "\"sku\":" + Json.string(sku) + ",\"reserved\":1,"
                    + "\"subject\":" + Json.string(subject) + ",\"calls\":[]}");
        }
    }

    static String read(InputStream in) throws IOException {
        try (InputStream stream = in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = stream.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
            return new String(out.toByteArray(), StandardCharsets.UTF_8);
        }
    }

    /** Just enough JSON for the answers (no library, to keep the service small). */
    static final class Json {
        static String string(Object value) {
            if (value == null) {
                return "null";
            }
            StringBuilder out = new StringBuilder("\"");
            for (char c : value.toString().toCharArray()) {
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            return out.append('"').toString();
        }

        /** One call: a downstream JSON answer is nested as is, anything else as a string. */
        static String call(String to, String via, String request, int status, String wwwAuthenticate, String body) {
            String trimmed = body == null ? "" : body.trim();
            String answer = trimmed.startsWith("{") && trimmed.endsWith("}") ? trimmed : string(trimmed);
            return "{\"to\":" + string(to) + ",\"via\":" + string(via) + ",\"request\":" + string(request)
                    + ",\"status\":" + status
                    + (wwwAuthenticate == null ? "" : ",\"wwwAuthenticate\":" + string(wwwAuthenticate))
                    + ",\"answer\":" + answer + "}";
        }

        static String failedCall(String to, String via, String request, Exception e) {
            return "{\"to\":" + string(to) + ",\"via\":" + string(via) + ",\"request\":" + string(request)
                    + ",\"error\":" + string(e.getClass().getSimpleName() + ": " + e.getMessage()) + "}";
        }

        static void reply(HttpServletResponse response, String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            response.setStatus(200);
            response.setContentType("application/json");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
