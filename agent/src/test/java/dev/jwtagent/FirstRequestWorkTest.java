package dev.jwtagent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FirstRequestWorkTest {

    @Test
    void runsEveryPartOnceInOrderEvenWhenOneFails() {
        List<String> ran = new ArrayList<>();
        FirstRequestWork work = new FirstRequestWork("the first request");
        work.add(() -> ran.add("metrics"));
        work.add(() -> {
            ran.add("broken");
            throw new IllegalStateException("retransformation refused");
        });
        work.add(() -> ran.add("last"));
        work.run();
        work.run();
        assertEquals(List.of("metrics", "broken", "last"), ran);
    }

    @Test
    void workAddedAfterTheFirstRequestRunsAtOnce() {
        List<String> ran = new ArrayList<>();
        FirstRequestWork work = new FirstRequestWork("the first request");
        work.add(() -> ran.add("metrics"));
        work.run();
        work.add(() -> ran.add("hand-offs"));
        assertEquals(List.of("metrics", "hand-offs"), ran, "an attach whose first request came during installation loses nothing");
        work.run();
        assertEquals(2, ran.size());
    }

    @Test
    void concurrentFirstRequestsWaitUntilTheWorkIsDone() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        FirstRequestWork work = new FirstRequestWork("the first request");
        work.add(() -> {
            started.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.incrementAndGet();
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> first = pool.submit(work::run);
            assertTrue(started.await(10, TimeUnit.SECONDS));
            Future<Integer> second = pool.submit(() -> {
                work.run();
                return finished.get();
            });
            Thread.sleep(200);
            assertTrue(!second.isDone(), "a second request must not go on while the first request's work runs");
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
            assertEquals(1, second.get(10, TimeUnit.SECONDS), "the second request saw the work finished");
        } finally {
            pool.shutdownNow();
        }
    }
}
