package example.shop.partner;

import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * An external shipping partner: a third party that must never receive the shop's tokens.
 * It runs without the agent and only reports whether a request brought an Authorization header
 * (never its value). {@code GET /shipping-quote?sku=...}
 *
 * <p>Settings: {@code -Dserver.port} (default 18090). It listens on loopback only.
 */
public final class Partner {
    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("server.port", 18090);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.createContext("/", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String scheme = authorization == null ? null : authorization.trim().split("\\s+", 2)[0];
            String body = "{\"service\":\"partner\",\"stack\":\"JDK HttpServer (external, no agent)\","
                    + "\"authorizationReceived\":" + (authorization != null)
                    + (scheme == null ? "" : ",\"authorizationScheme\":\"" + scheme.replaceAll("[^A-Za-z0-9-]", "") + "\"")
                    + ",\"quote\":\"4.90 EUR\"}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("partner (external, JDK HttpServer) ready on http://127.0.0.1:" + port + "/shipping-quote");
    }
}
