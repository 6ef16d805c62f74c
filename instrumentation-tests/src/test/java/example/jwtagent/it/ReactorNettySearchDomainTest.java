package example.jwtagent.it;

import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reactor Netty resolves with Netty's DNS resolver, which, as in a Kubernetes pod, completes a
 * single-label name with the search domains of the resolver's configuration and names the address
 * it finds by the completed name ({@code orders.ns.svc.cluster.local}). With
 * {@code outbound.allowed-hosts=orders}, a call to {@code http://orders/} is to an allowed host and
 * gets the token. Here a DNS server of the test's own answers for the completed name. The agent's
 * check of the address the connection goes to (a supplier that rotates between hosts) reads that
 * address's name, which the pattern {@code orders} does not match: it decides such a completion
 * on the name in the request, as for every other client.
 */
class ReactorNettySearchDomainTest {
    @Test
    void aSingleLabelHostCompletedByASearchDomainGetsTheToken() throws Exception {
        try (ChildJvm child = ChildJvm.main(Child.class).agentSetting("outbound.allowed-hosts", "orders")
                .jvmArgument("-Dit.secret.file=" + System.getProperty("it.secret.file")).start()) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!child.output().contains("AUTHORIZATION ") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(child.output().contains("AUTHORIZATION Bearer "), child.output());
        }
    }

    public static final class Child {
        public static void main(String[] args) throws Exception {
            DatagramSocket dns = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
            Thread server = new Thread(() -> answer(dns), "test-dns");
            server.setDaemon(true);
            server.start();
            try (MockWebServer downstream = new MockWebServer()) {
                downstream.enqueue(new MockResponse.Builder().code(200).body("ok").build());
                downstream.start(InetAddress.getByName("127.0.0.1"), 0);
                DnsNameResolverBuilder resolver = new DnsNameResolverBuilder().channelType(NioDatagramChannel.class)
                        .nameServerProvider(new SingletonDnsServerAddressStreamProvider(new InetSocketAddress("127.0.0.1", dns.getLocalPort())))
                        .searchDomains(List.of("ns.svc.cluster.local", "svc.cluster.local", "cluster.local")).ndots(5);
                // NIO, as the resolver's datagram channel.
                HttpClient client = HttpClient.create().runOn(reactor.netty.resources.LoopResources.create("search-domain", 1, true), false)
                        .resolver(new DnsAddressResolverGroup(resolver));
                String token = Tokens.valid("alice");
                CurrentToken.with(token, () -> client.get().uri("http://orders:" + downstream.getPort() + "/x")
                        .responseContent().aggregate().asString().block());
                RecordedRequest request = downstream.takeRequest(10, TimeUnit.SECONDS);
                String value = request == null ? "(no request)" : request.getHeaders().get("Authorization");
                System.out.println("AUTHORIZATION " + (value == null ? "(none)" : value.substring(0, Math.min(20, value.length()))));
            }
            System.out.println(ChildJvm.READY + "1");
            System.out.flush();
            System.in.readAllBytes();
            System.exit(0);
        }

        /** Answers A queries for orders.ns.svc.cluster.local with 127.0.0.1; any other name does not exist. */
        private static void answer(DatagramSocket dns) {
            try {
                byte[] buffer = new byte[512];
                while (true) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    dns.receive(packet);
                    byte[] query = Arrays.copyOf(packet.getData(), packet.getLength());
                    StringBuilder name = new StringBuilder();
                    int at = 12;
                    while (query[at] != 0) {
                        name.append(new String(query, at + 1, query[at], StandardCharsets.US_ASCII)).append('.');
                        at += query[at] + 1;
                    }
                    int type = ((query[at + 1] & 0xff) << 8) | (query[at + 2] & 0xff);
                    int questionEnd = at + 5;
                    boolean known = name.toString().equals("orders.ns.svc.cluster.local.");
                    boolean found = known && type == 1;
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    out.write(query[0]);
                    out.write(query[1]);
                    out.write(0x81);
                    out.write(known ? 0x80 : 0x83);
                    out.write(new byte[] {0, 1, 0, (byte) (found ? 1 : 0), 0, 0, 0, 0}, 0, 8);
                    out.write(query, 12, questionEnd - 12);
                    if (found) {
                        out.write(new byte[] {(byte) 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1}, 0, 16);
                    }
                    byte[] reply = out.toByteArray();
                    dns.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        }
    }
}
