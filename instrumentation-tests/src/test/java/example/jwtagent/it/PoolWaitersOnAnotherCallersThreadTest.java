package example.jwtagent.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Client code that runs for waiting callers on another caller's thread, in Tomcat 11 with the agent:
 * the async Apache clients' connection pools (Apache 5's strict and lax pools, 4.1's) fail expired
 * waiting leases on the thread that releases the connection (and the lax pool every waiting lease
 * on the thread that closes it), and OkHttp's dispatcher runs queued calls' {@code dispatcherQueueEnd} on
 * the thread that ends another call, and every call's {@code canceled} on the thread that cancels
 * them all. What those callbacks call carries no token; before, the other caller's.
 */
class PoolWaitersOnAnotherCallersThreadTest extends CallersOfASharedClientTest {
    @Override
    TestServer startService() throws Exception {
        return new TomcatJakartaServer(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"apache5", "apache5lax"})
    void expiredLeasesFailedOnTheReleasingCallersThreadCallWithoutItsToken(String client) throws Exception {
        String alice = Tokens.valid("alice");
        String url = holding.url("/hold?then=" + URLEncoder.encode(downstream.allowedUrl("/after-failed"), StandardCharsets.UTF_8));
        ClientContractTest.call(service, client + "-async-lease", url, alice, null);
        expiredLeasesFailedWhenAliceLetsGo(client, url, alice);
    }

    @Test
    void expiredLeasesFailedOnTheCancellingCallersThreadCallWithoutItsToken() throws Exception {
        String alice = Tokens.valid("alice");
        String url = holding.url("/hold?then=" + URLEncoder.encode(downstream.allowedUrl("/after-failed"), StandardCharsets.UTF_8));
        ClientContractTest.call(service, "apache4-async-hold", url, alice, null);
        holding.take();
        expiredLeasesFailedWhenAliceLetsGo("apache4", url, alice);
    }

    @Test
    void leasesFailedWhenAnotherCallerClosesTheLaxPoolCallWithoutItsToken() throws Exception {
        String alice = Tokens.valid("alice");
        String url = holding.url("/hold?then=" + URLEncoder.encode(downstream.allowedUrl("/after-closed"), StandardCharsets.UTF_8));
        ClientContractTest.call(service, "apache5lax-async-lease-new-client", url, alice, null);
        ClientContractTest.call(service, "apache5lax-async-wait-on-new-client-then-call", url, Tokens.valid("carol"), null);
        ClientContractTest.call(service, "apache5lax-async-wait-on-new-client-then-call", url, null, null);
        ClientContractTest.call(service, "apache5lax-async-close-new-client-then-call", downstream.allowedUrl("/alice-after-closing"), alice, null);
        assertEquals(sorted("/after-closed []", "/after-closed []", "/alice-after-closing [Bearer " + alice + "]"), arrived(3));
    }

    /** Carol and a caller without a token wait for the connection alice holds; their leases expire; alice lets it go. */
    private void expiredLeasesFailedWhenAliceLetsGo(String client, String url, String alice) throws Exception {
        ClientContractTest.call(service, client + "-async-wait-then-call", url, Tokens.valid("carol"), null);
        ClientContractTest.call(service, client + "-async-wait-then-call", url, null, null);
        ClientContractTest.call(service, "apache-async-let-go-then-call", downstream.allowedUrl("/alice-after-letting-go"), alice, null);
        assertEquals(sorted("/after-failed []", "/after-failed []", "/alice-after-letting-go [Bearer " + alice + "]"), arrived(3));
    }

    @Test
    void aQueuedCallsQueueEndEventRunsWithoutTheTokenOfTheCallThatEnded() throws Exception {
        String bob = Tokens.valid("bob");
        String carol = Tokens.valid("carol");
        try (Downstream slow = Downstream.slow(1500)) {
            // Bob's call holds the host (one call per host); carol's and a tokenless caller's wait behind it.
            ClientContractTest.call(service, "okhttp-listener-enqueue", slow.allowedUrl("/bob"), bob, null);
            slow.take();
            String then = "&on=queue-end&then=" + URLEncoder.encode(downstream.allowedUrl("/queue-end"), StandardCharsets.UTF_8);
            ClientContractTest.call(service, "okhttp-listener-enqueue", downstream.allowedUrl("/call?caller=carol" + then), carol, null);
            ClientContractTest.call(service, "okhttp-listener-enqueue", downstream.allowedUrl("/call?caller=none" + then), null, null);
            assertEquals(sorted("/call [Bearer " + carol + "]", "/call []", "/queue-end []", "/queue-end []"), arrived(4));
        }
    }

    @Test
    void cancelAllRunsEveryCallsCanceledEventWithoutTheCancellingCallersToken() throws Exception {
        String alice = Tokens.valid("alice");
        String bob = Tokens.valid("bob");
        String url = holding.url("/hold?on=canceled&then=" + URLEncoder.encode(downstream.allowedUrl("/canceled"), StandardCharsets.UTF_8));
        ClientContractTest.call(service, "okhttp-listener-enqueue", url, alice, null);
        holding.take();
        ClientContractTest.call(service, "okhttp-listener-enqueue", url, Tokens.valid("carol"), null);
        ClientContractTest.call(service, "okhttp-listener-enqueue", url, null, null);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (OkHttpDispatcherListeners.queued() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        ClientContractTest.call(service, "okhttp-listener-cancel-all-then-call", downstream.allowedUrl("/bob"), bob, null);
        assertEquals(sorted("/canceled []", "/canceled []", "/canceled []", "/bob [Bearer " + bob + "]"), arrived(4));
    }
}
