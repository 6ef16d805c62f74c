package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reactor Netty with a remote address supplier and relative URIs, as client-side load balancing
 * sets it up: the client asks the supplier again for each use (the Host header, the URL the agent
 * decides on, the connection), so a supplier that rotates between instances can connect a request
 * to another address than its URL names. The token goes only where the connection goes to an
 * allowed host (this JVM allows {@code localhost}, not {@code 127.0.0.1}). Before, the instance
 * addressed as 127.0.0.1 received it.
 */
class ReactorNettyRemoteAddressTest {
    @Test
    void aRotatingSupplierSendsTheTokenOnlyOnConnectionsToAnAllowedHost() throws Exception {
        try (Downstream allowed = new Downstream(); Downstream notAllowed = new Downstream()) {
            int allowedPort = URI.create(allowed.allowedUrl("/")).getPort();
            int notAllowedPort = URI.create(notAllowed.notAllowedUrl("/")).getPort();
            AtomicInteger asked = new AtomicInteger();
            HttpClient client = HttpClient.create().remoteAddress(() -> asked.getAndIncrement() % 2 == 0
                    ? InetSocketAddress.createUnresolved("localhost", allowedPort)
                    : InetSocketAddress.createUnresolved("127.0.0.1", notAllowedPort));
            String token = Tokens.valid("alice");
            for (int i = 0; i < 4; i++) {
                CurrentToken.with(token, () -> client.get().uri("/orders").responseContent().aggregate().asString().block());
            }
            List<String> atNotAllowed = authorizations(notAllowed);
            List<String> atAllowed = authorizations(allowed);
            assertEquals(4, atNotAllowed.size() + atAllowed.size(), "every request arrived somewhere");
            assertEquals(List.of(), atNotAllowed.stream().filter(value -> !value.isEmpty()).toList(),
                    "no token on a connection to 127.0.0.1");
        }
    }

    @Test
    void aSupplierOfOneAllowedAddressGetsTheToken() throws Exception {
        try (Downstream allowed = new Downstream()) {
            int port = URI.create(allowed.allowedUrl("/")).getPort();
            HttpClient client = HttpClient.create().remoteAddress(() -> InetSocketAddress.createUnresolved("localhost", port));
            String token = Tokens.valid("alice");
            CurrentToken.with(token, () -> client.get().uri("/orders").responseContent().aggregate().asString().block());
            assertEquals(List.of("Bearer " + token), authorizations(allowed));
        }
    }

    /** The Authorization value of each request that arrived ("" for none). */
    private static List<String> authorizations(Downstream downstream) throws InterruptedException {
        List<String> values = new ArrayList<>();
        RecordedRequest request;
        while ((request = downstream.poll(500)) != null) {
            String value = request.getHeaders().get("Authorization");
            values.add(value == null ? "" : value);
        }
        return values;
    }
}
