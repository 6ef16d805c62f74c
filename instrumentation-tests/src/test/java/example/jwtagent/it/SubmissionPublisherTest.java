package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code SubmissionPublisher} given an executor of the application's own (one that forwards to a
 * pool): its consumer task, started by whichever submit finds none running, delivers every item
 * submitted while it runs, by any caller. Alice's item holds the subscriber while a caller without
 * a token and then bob submit theirs: the subscriber's calls for those items must not go with
 * alice's token. In this JVM, with the tokens made current as a request's own code would have them.
 */
class SubmissionPublisherTest {
    @Test
    void itemsOfOtherCallersAreNotDeliveredWithTheTokenOfTheOneWhoseSubmitStartedTheConsumer() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        Executor forwarding = new Forwarding(pool);
        String alice = Tokens.valid("alice");
        String bob = Tokens.valid("bob");
        try (Downstream downstream = new Downstream();
             SubmissionPublisher<String> publisher = new SubmissionPublisher<>(forwarding, 16)) {
            String url = downstream.allowedUrl("/orders");
            CountDownLatch subscribed = new CountDownLatch(1);
            CountDownLatch aliceDelivered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(3);
            publisher.subscribe(new Flow.Subscriber<String>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscription.request(Long.MAX_VALUE);
                    subscribed.countDown();
                }

                @Override
                public void onNext(String item) {
                    if (item.equals("alice's")) {
                        aliceDelivered.countDown();
                        QueuedJobs.await(release);
                    }
                    try {
                        QueuedJobs.call(url);
                    } finally {
                        done.countDown();
                    }
                }

                @Override
                public void onError(Throwable throwable) {
                }

                @Override
                public void onComplete() {
                }
            });
            assertTrue(subscribed.await(10, TimeUnit.SECONDS), "subscribed");
            // The consumer task that delivered the subscription has ended: the pool's one thread is free.
            pool.submit(() -> { }).get(10, TimeUnit.SECONDS);
            CurrentToken.with(alice, () -> publisher.submit("alice's"));
            assertTrue(aliceDelivered.await(10, TimeUnit.SECONDS), "alice's item is delivered");
            CurrentToken.with(null, () -> publisher.submit("no one's"));
            CurrentToken.with(bob, () -> publisher.submit("bob's"));
            release.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS), "the three calls are made");
            List<String> seen = QueuedJobs.callers(downstream, 3, alice, bob);
            assertEquals(Arrays.asList("none", "none"), seen.subList(1, 3),
                    "the items of a caller without a token and of bob: " + seen);
        } finally {
            pool.shutdownNow();
        }
    }

    /** An executor of the application's own that hands each task to a pool. */
    static final class Forwarding implements Executor {
        private final Executor pool;

        Forwarding(Executor pool) {
            this.pool = pool;
        }

        @Override
        public void execute(Runnable task) {
            pool.execute(task);
        }
    }
}
