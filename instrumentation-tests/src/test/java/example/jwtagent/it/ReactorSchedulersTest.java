package example.jwtagent.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Reactor's schedulers, used from requests to Tomcat 11 in this JVM. */
class ReactorSchedulersTest extends CallersOfASharedClientTest {
    @Override
    TestServer startService() throws Exception {
        return new TomcatJakartaServer(2);
    }

    @AfterEach
    void forgetTheScheduler() {
        ReactorBoundedElastic.forgetTheScheduler();
    }

    /**
     * A bounded elastic scheduler made during alice's request, as {@code Schedulers.boundedElastic()}
     * is by the first request that uses it. Its evictor runs for as long as the scheduler lives and
     * shuts every caller's idle workers down through the application's executor decorator; a call
     * made from the decorator there carries no token. Before, it carried alice's: the evictor was
     * scheduled during her request and kept her token.
     */
    @Test
    void boundedElasticEvictorMadeInOneCallersRequestKeepsNoToken() throws Exception {
        String then = "?then=" + URLEncoder.encode(downstream.allowedUrl("/from-the-evictor"), StandardCharsets.UTF_8);
        ClientContractTest.call(service, "reactor-new-bounded-elastic-evicting", downstream.allowedUrl("/unused" + then),
                Tokens.valid("alice"), null);
        assertEquals(List.of("/from-the-evictor " + List.of()), arrived(1));
    }
}
