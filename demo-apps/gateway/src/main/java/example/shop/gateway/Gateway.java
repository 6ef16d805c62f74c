package example.shop.gateway;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The shop's front door, an ordinary Jetty 12 (jakarta.servlet, ee10) service.
 * {@code GET /checkout?sku=book-42} asks the orders service with {@code java.net.http.HttpClient}
 * and answers JSON: who it saw as the caller, what it called and what came back.
 *
 * <p>Settings: {@code -Dserver.port} (default 18081), {@code -Dorders.url} (default
 * {@code http://localhost:18082}). It listens on loopback only.
 */
public final class Gateway {
    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("server.port", 18081);
        String ordersUrl = System.getProperty("orders.url", "http://localhost:18082");

        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(new CheckoutServlet(ordersUrl)), "/checkout");
        server.setHandler(context);
        server.start();
        System.out.println("gateway (Jetty 12, jakarta.servlet) ready on http://localhost:" + port + "/checkout");
        server.join();
    }

    static final class CheckoutServlet extends HttpServlet {
        private final String ordersUrl;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        CheckoutServlet(String ordersUrl) {
            this.ordersUrl = ordersUrl;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String sku = request.getParameter("sku") == null ? "book-42" : request.getParameter("sku");
            String url = ordersUrl + "/orders?sku=" + URLEncoder.encode(sku, StandardCharsets.UTF_8);
            String call;
            try {
                HttpResponse<String> answer = http.send(
                        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                call = Json.call("orders", "java.net.http.HttpClient", "GET " + url, answer.statusCode(),
                        answer.headers().firstValue("WWW-Authenticate").orElse(null), answer.body());
            } catch (IOException | RuntimeException e) {
                call = Json.failedCall("orders", "java.net.http.HttpClient", "GET " + url, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                call = Json.failedCall("orders", "java.net.http.HttpClient", "GET " + url, e);
            }
            // The caller as seen by this service (null when the request came without a token).
            Object subject = request.getAttribute("jwt.agent.subject");
            Json.reply(response, "{\"service\":\"gateway\",\"stack\":\"Jetty 12 (jakarta.servlet, ee10)\","
                    + "\"subject\":" + Json.string(subject) + ",\"calls\":[" + call + "]}");
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
