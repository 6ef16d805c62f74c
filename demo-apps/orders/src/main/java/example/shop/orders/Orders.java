package example.shop.orders;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

import java.io.File;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The orders service, an ordinary Tomcat 11 (jakarta.servlet) service.
 * {@code GET /orders?sku=book-42} asks the inventory service two things at once, on a thread
 * pool: the stock (with OkHttp) and a reservation (with Apache HttpClient 5), and answers JSON with
 * both answers nested.
 *
 * <p>Settings: {@code -Dserver.port} (default 18082), {@code -Dinventory.url} (default
 * {@code http://localhost:18083}). It listens on loopback only.
 */
public final class Orders {
    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("server.port", 18082);
        String inventoryUrl = System.getProperty("inventory.url", "http://localhost:18083");

        File base = new File(System.getProperty("java.io.tmpdir"), "demo-orders-tomcat-" + port);
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.getAbsolutePath());
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "orders", new OrdersServlet(inventoryUrl));
        context.addServletMappingDecoded("/orders", "orders");
        tomcat.start();
        System.out.println("orders (Tomcat 11, jakarta.servlet) ready on http://localhost:" + port + "/orders");
        tomcat.getServer().await();
    }

    static final class OrdersServlet extends HttpServlet {
        private final String inventoryUrl;
        private final ExecutorService pool = Executors.newFixedThreadPool(4);
        private final OkHttpClient okHttp = new OkHttpClient.Builder()
                .connectTimeout(5, TimeUnit.SECONDS).readTimeout(10, TimeUnit.SECONDS).build();
        private final CloseableHttpClient apache = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofSeconds(5)).setSocketTimeout(Timeout.ofSeconds(10)).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofSeconds(10)).build())
                .build();

        OrdersServlet(String inventoryUrl) {
            this.inventoryUrl = inventoryUrl;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String sku = request.getParameter("sku") == null ? "book-42" : request.getParameter("sku");
            String query = "?sku=" + URLEncoder.encode(sku, StandardCharsets.UTF_8);
            Future<String> stock = pool.submit(() -> stockWithOkHttp(inventoryUrl + "/stock" + query));
            Future<String> reservation = pool.submit(() -> reserveWithApache(inventoryUrl + "/reserve" + query));
            String calls = await(stock, "inventory", "OkHttp", "GET " + inventoryUrl + "/stock" + query) + ","
                    + await(reservation, "inventory", "Apache HttpClient 5", "POST " + inventoryUrl + "/reserve" + query);
            // The caller as seen by this service (null when the request came without a token).
            Object subject = request.getAttribute("jwt.agent.subject");
            Json.reply(response, "{\"service\":\"orders\",\"stack\":\"Tomcat 11 (jakarta.servlet)\","
                    + "\"subject\":" + Json.string(subject) + ",\"calls\":[" + calls + "]}");
        }

        private String stockWithOkHttp(String url) {
            try (Response answer = okHttp.newCall(new Request.Builder().url(url).get().build()).execute()) {
                return Json.call("inventory", "OkHttp", "GET " + url, answer.code(),
                        answer.header("WWW-Authenticate"), answer.body().string());
            } catch (IOException | RuntimeException e) {
                return Json.failedCall("inventory", "OkHttp", "GET " + url, e);
            }
        }

        private String reserveWithApache(String url) {
            try {
                return apache.execute(new HttpPost(url), answer -> {
                    Header challenge = answer.getFirstHeader("WWW-Authenticate");
                    return Json.call("inventory", "Apache HttpClient 5", "POST " + url, answer.getCode(),
                            challenge == null ? null : challenge.getValue(),
                            answer.getEntity() == null ? "" : EntityUtils.toString(answer.getEntity()));
                });
            } catch (IOException | RuntimeException e) {
                return Json.failedCall("inventory", "Apache HttpClient 5", "POST " + url, e);
            }
        }

        private static String await(Future<String> call, String to, String via, String request) {
            try {
                return call.get(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Json.failedCall(to, via, request, e);
            } catch (ExecutionException | TimeoutException e) {
                return Json.failedCall(to, via, request, e);
            }
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
