package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which of a request's {@code WebClient} calls carry its token, from requests to Tomcat 11 in this
 * JVM: those subscribed on a thread where the token is current (the request's, and a scheduler's
 * task it handed over), not those subscribed on an event loop after an answer.
 */
class WebClientThreadsTest extends CallersOfASharedClientTest {
    @Override
    TestServer startService() throws Exception {
        return new TomcatJakartaServer(2);
    }

    /** {@code subscribeOn(Schedulers.boundedElastic())}: the scheduler's worker runs a task the request handed over, with its token. */
    @Test
    void callSubscribedOnAnotherSchedulerCarriesTheToken() throws Exception {
        String alice = Tokens.valid("alice");
        ClientContractTest.call(service, "webclient-subscribe-on-bounded-elastic", downstream.allowedUrl("/alice"), alice, null);
        assertEquals(List.of("/alice " + List.of("Bearer " + alice)), arrived(1));
    }

    /** A call made in {@code flatMap} after another's answer is subscribed on the event loop that answered: no token. */
    @Test
    void callChainedAfterAnAnswerCarriesNoToken() throws Exception {
        String alice = Tokens.valid("alice");
        String url = downstream.allowedUrl("/first?then=" + URLEncoder.encode(downstream.allowedUrl("/second"), StandardCharsets.UTF_8));
        ClientContractTest.call(service, "webclient-then-chained", url, alice, null);
        assertEquals(sorted("/first " + List.of("Bearer " + alice), "/second " + List.of()), arrived(2));
    }

    /** {@code retryWhen}: the backoff is scheduled where the failure arrived, here the event loop that answered: the retry carries no token. */
    @Test
    void retryAfterAnAnswerCarriesNoToken() throws Exception {
        String alice = Tokens.valid("alice");
        ClientContractTest.call(service, "webclient-retried-after-its-answer", downstream.allowedUrl("/orders"), alice, null);
        assertEquals(List.of("/orders " + List.of("Bearer " + alice), "/orders " + List.of()), arrived(2));
    }

    /** A timeout fires on the timer task the request started, with its token; the retry scheduled from there carries it. */
    @Test
    void retryAfterATimeoutCarriesTheToken() throws Exception {
        String alice = Tokens.valid("alice");
        ClientContractTest.call(service, "webclient-retried-after-a-timeout", downstream.allowedUrl("/orders"), alice, null);
        assertEquals(List.of("/orders " + List.of("Bearer " + alice)), arrived(1));
    }

    /**
     * {@code Flux.interval}, started by alice's request, which answers at once: each tick is a task
     * of the parallel scheduler's {@code ScheduledThreadPoolExecutor} scheduled during her request,
     * so every call made from a tick carries her token, also after her request has ended (until the
     * token expires), while bob's request runs meanwhile.
     */
    @Test
    void periodicTicksStartedInARequestCarryItsTokenAfterItEnds() throws Exception {
        String alice = Tokens.valid("alice");
        String url = downstream.allowedUrl("/unused?then=" + URLEncoder.encode(downstream.allowedUrl("/tick"), StandardCharsets.UTF_8));
        ClientContractTest.call(service, "webclient-every-tick-of-an-interval", url, alice, null);
        String bob = Tokens.valid("bob");
        ClientContractTest.call(service, "url-connection", downstream.allowedUrl("/bob"), bob, null);
        assertEquals(sorted("/bob " + List.of("Bearer " + bob), "/tick " + List.of("Bearer " + alice), "/tick " + List.of("Bearer " + alice)),
                arrived(3));
    }
}
