package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
            // A spare worker the pool kept from earlier tests may take the task before the join does: then
            // the worker ran it (with no token, as it must), and the case is tried again.
            boolean joinerRanIt = false;
            for (int attempt = 0; attempt < 5 && !joinerRanIt; attempt++) {
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
                assertEquals(List.of(), downstream.takeAuthorization(), "attempt " + attempt + ", run on " + ranOn.get());
                joinerRanIt = ranOn.get() == Thread.currentThread();
            }
            assumeTrue(joinerRanIt, "a common-pool worker took the task before the join every time");
        }
    }

    /**
     * The common pool's workers blocked until the returned latch is counted down: as many as it has
     * now (spares kept from earlier work among them), at least its parallelism.
     */
    private static CountDownLatch holdCommonPoolWorkers() throws InterruptedException {
        int parallelism = ForkJoinPool.getCommonPoolParallelism();
        int workers = Math.max(parallelism, ForkJoinPool.commonPool().getPoolSize());
        CountDownLatch started = new CountDownLatch(workers);
        CountDownLatch hold = new CountDownLatch(1);
        for (int i = 0; i < workers; i++) {
            ForkJoinPool.commonPool().execute(() -> {
                started.countDown();
                QueuedJobs.await(hold);
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (started.getCount() > workers - parallelism && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(started.getCount() <= workers - parallelism, "the common pool's workers started");
        // A spare that timed out meanwhile leaves its task queued, which does not hold the join.
        started.await(1, TimeUnit.SECONDS);
        return hold;
    }
}
