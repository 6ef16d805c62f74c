package example.jwtagent.it;

import reactor.netty.http.client.HttpClient;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Main of a {@link ChildJvm}: Reactor Netty with a remote address supplier (client-side load
 * balancing) to {@code localhost:<argument 1>}, called with relative URIs three times with no token
 * current. Prints {@code ASKED <n>}, how often the client asked the application's supplier, and
 * announces {@code READY 0}.
 */
public final class ReactorNettySupplierChild {
    private ReactorNettySupplierChild() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        AtomicInteger asked = new AtomicInteger();
        HttpClient client = HttpClient.create().remoteAddress(() -> {
            asked.incrementAndGet();
            return InetSocketAddress.createUnresolved("localhost", port);
        });
        for (int i = 0; i < 3; i++) {
            client.get().uri("/orders").responseContent().aggregate().asString().block();
        }
        System.out.println("ASKED " + asked.get());
        System.out.println(ChildJvm.READY + 0);
        System.out.flush();
        System.in.readAllBytes();
        System.exit(0);
    }
}
