package example.shop.issuer;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * A toy identity provider: signs short-lived ES256 tokens with a key made at startup and
 * publishes that key as JWKS, found through an OIDC discovery document.
 *
 * <pre>
 *   GET  /.well-known/openid-configuration   issuer, jwks_uri, token_endpoint
 *   GET  /jwks                               the public key (EC P-256)
 *   POST /token?sub=alice&amp;aud=shop&amp;ttl=60   a signed token, as plain text
 *        (ttl in seconds, default 60, at most 3600; a negative ttl mints an already expired token)
 * </pre>
 *
 * Settings: {@code -Dserver.port} (default 18080) and {@code -Dissuer.url} (default
 * {@code http://127.0.0.1:<port>}; it must be the exact issuer the services trust).
 * It listens on loopback only.
 */
public final class Issuer {
    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("server.port", 18080);
        String issuer = System.getProperty("issuer.url", "http://127.0.0.1:" + port);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        ECPublicKey publicKey = (ECPublicKey) keys.getPublic();
        String kid = "demo-" + UUID.randomUUID().toString().substring(0, 8);
        Algorithm es256 = Algorithm.ECDSA256(publicKey, (ECPrivateKey) keys.getPrivate());

        String discovery = "{\"issuer\":\"" + issuer + "\","
                + "\"jwks_uri\":\"" + issuer + "/jwks\","
                + "\"token_endpoint\":\"" + issuer + "/token\","
                + "\"response_types_supported\":[\"token\"],"
                + "\"subject_types_supported\":[\"public\"],"
                + "\"id_token_signing_alg_values_supported\":[\"ES256\"]}";
        String jwks = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"use\":\"sig\",\"alg\":\"ES256\","
                + "\"kid\":\"" + kid + "\","
                + "\"x\":\"" + coordinate(publicKey.getW().getAffineX()) + "\","
                + "\"y\":\"" + coordinate(publicKey.getW().getAffineY()) + "\"}]}";

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.createContext("/.well-known/openid-configuration", exchange -> reply(exchange, 200, "application/json", discovery));
        server.createContext("/jwks", exchange -> reply(exchange, 200, "application/jwk-set+json", jwks));
        server.createContext("/token", exchange -> {
            if (!"POST".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, "text/plain", "POST /token?sub=alice&aud=shop&ttl=60\n");
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            long ttl;
            try {
                ttl = Math.min(3600, Long.parseLong(query.getOrDefault("ttl", "60")));
            } catch (NumberFormatException e) {
                reply(exchange, 400, "text/plain", "ttl: seconds\n");
                return;
            }
            Instant now = Instant.now();
            Instant expires = now.plusSeconds(ttl);
            Instant issued = ttl < 0 ? expires.minusSeconds(60) : now;
            String token = JWT.create()
                    .withKeyId(kid)
                    .withIssuer(issuer)
                    .withSubject(query.getOrDefault("sub", "alice"))
                    .withAudience(query.getOrDefault("aud", "shop").split(","))
                    .withIssuedAt(issued)
                    .withNotBefore(issued)
                    .withExpiresAt(expires)
                    .withJWTId(UUID.randomUUID().toString())
                    .sign(es256);
            reply(exchange, 200, "text/plain", token);
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("issuer " + issuer + " ready on port " + port + " (ES256, kid " + kid + ")");
    }

    /** A JWK coordinate: the unsigned big-endian 32 bytes of a P-256 field element, base64url. */
    private static String coordinate(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] fixed = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, fixed, 32 - copy, copy);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> map = new HashMap<>();
        if (raw == null) {
            return map;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                map.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return map;
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
