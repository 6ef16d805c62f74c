package example.jwtagent.it;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.SocketAddressResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One Jetty 12 {@code HttpClient} with one connection per destination, shared by a service's
 * callers. Alice's exchange holds the connection, and she reads its body on her own request's
 * thread ({@code InputStreamResponseListener}); the answer closes the connection
 * ({@code Connection: close}) and the service behind it stops listening meanwhile. Bob's request
 * and a tokenless caller's wait in the destination's queue. As alice reads her exchange to its
 * end, the connection is closed and a new one made for the waiting requests, which is refused:
 * every waiting request fails where that happens, and its {@code onComplete} listener calls
 * downstream (as tracing or auditing code may): with its own caller's token or none, never alice's.
 */
class Jetty12QueuedConnectFailureTest {
    /** The service that answers alice's request, then stops listening. */
    static volatile String closingBase;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void requestsFailedAsTheirConnectionIsRefusedNeverRunWithTheTokenOfTheThreadThatMadeIt() throws Exception {
        check(new HttpClient());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void withTheResolverOnTheCallingThread() throws Exception {
        HttpClient synchronous = new HttpClient();
        synchronous.setSocketAddressResolver(new SocketAddressResolver.Sync());
        check(synchronous);
    }

    private static void check(HttpClient configured) throws Exception {
        ServerSocket closing = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        closingBase = "http://localhost:" + closing.getLocalPort();
        Thread answering = new Thread(() -> answerOnceThenStopListening(closing), "closing-downstream");
        answering.start();
        try (SharedClientService service = SharedClientService.start(SharedClientService.oneConnectionPerDestination(configured),
                SharedClientService.oks(10), Jetty12QueuedConnectFailureTest::serve)) {
            Future<RawHttp.Response> alice = service.call("/read", "alice");
            Thread.sleep(300);
            List<Future<RawHttp.Response>> queued = service.bobThenNobody("/queued");
            assertEquals(200, alice.get(30, TimeUnit.SECONDS).status);
            for (Future<RawHttp.Response> each : queued) {
                assertEquals(502, each.get(30, TimeUnit.SECONDS).status, "refused");
            }
            QueuedArrivals arrivals = service.arrivals(false);
            assertEquals(List.of(), arrivals.wrong, "listeners' calls with another caller's token; all: " + arrivals.seen);
            assertEquals(2, arrivals.seen.size(), "the queued requests' listeners' calls: " + arrivals.seen);
        } finally {
            closing.close();
            answering.join(5000);
        }
    }

    /**
     * Answers the first connection with half its body and {@code Connection: close}, stops listening
     * (later connections are refused), then sends the rest of the body a second later and closes.
     */
    private static void answerOnceThenStopListening(ServerSocket listening) {
        try (Socket socket = listening.accept()) {
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: 64\r\nConnection: close\r\n\r\n" + "x".repeat(32)).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            listening.close();
            Thread.sleep(1000);
            out.write("x".repeat(32).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200);
        } catch (IOException | InterruptedException e) {
            // the test's assertions tell
        }
    }

    /** Serves {@code caller}'s request for {@code path}: makes its calls, returns the status to answer with. */
    static int serve(SharedClientService service, String path, String caller) throws Exception {
        try {
            if (path.equals("/read")) {
                return service.readToTheEndOnThisThread(service.client.newRequest(closingBase + "/long-body?caller=" + caller), 1500);
            }
            return service.client.newRequest(closingBase + "/orders?caller=" + caller)
                    .onComplete(result -> service.callFromTheListener(caller))
                    .send().getStatus();
        } catch (ExecutionException e) {
            return 502;
        }
    }
}
