package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code ForkJoinTask} forked with no token current (work the application starts outside any
 * request) and joined later by a request's thread, which runs it itself while no common-pool worker
 * is free: it must call without that request's token, as an async stage registered without one does
 * when a request's thread joins it ({@code CommonPoolHelpersTest}). In this JVM, with bob's token made
 * current as a request's own code would have it, after one request with a token to a Tomcat of this
 * JVM (from then on the agent's rules for {@code ForkJoinTask} are in place).
 */
class ForkJoinTaskJoinedByAnotherCallerTest {
    @Test
    void aTaskForkedWithoutATokenRunsWithoutTheTokenOfTheRequestThreadThatJoinsIt() throws Exception {
        String bob = Tokens.valid("bob");
        try (Downstream downstream = new Downstream(); TestServer tomcat = new TomcatJakartaServer(2)) {
            assertEquals(200, RawHttp.get(tomcat.baseUrl(), "/echo", RawHttp.bearer(bob)).status);
            String url = downstream.allowedUrl("/orders");
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            CountDownLatch held = holdCommonPoolWorkers();
            try {
                ForkJoinTask<?> background = CurrentToken.with(null, () -> ForkJoinTask.adapt(() -> {
                    ranOn.set(Thread.currentThread());
                    QueuedJobs.call(url);
                }).fork());
                CurrentToken.with(bob, () -> background.join());
            } finally {
                held.countDown();
            }
            assertSame(Thread.currentThread(), ranOn.get(), "the joining thread ran the task itself");
            assertEquals(List.of(), downstream.takeAuthorization());
        }
    }

    /** Every common-pool worker blocked until the returned latch is counted down. */
    private static CountDownLatch holdCommonPoolWorkers() throws InterruptedException {
        int workers = ForkJoinPool.getCommonPoolParallelism();
        CountDownLatch started = new CountDownLatch(workers);
        CountDownLatch hold = new CountDownLatch(1);
        for (int i = 0; i < workers; i++) {
            ForkJoinPool.commonPool().execute(() -> {
                started.countDown();
                QueuedJobs.await(hold);
            });
        }
        assertTrue(started.await(10, TimeUnit.SECONDS), "the common pool's workers started");
        return hold;
    }
}
