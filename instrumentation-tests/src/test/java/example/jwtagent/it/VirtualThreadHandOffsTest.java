package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Hand-offs to virtual threads (Java 21+) that applications and libraries make when told to use
 * them, in this JVM with the tokens made current as a request's own code would have them: alice,
 * a caller without a token and bob hand work over at the same time, and each call downstream goes
 * with its own caller's token, or none. A thread made through a factory of the JDK's starts with none.
 */
class VirtualThreadHandOffsTest {
    private static final String ALICE = Tokens.valid("alice");
    private static final String BOB = Tokens.valid("bob");
    private static final String[] CALLERS = {"alice", "none", "bob"};

    static String token(String caller) {
        return caller.equals("alice") ? ALICE : caller.equals("bob") ? BOB : null;
    }

    static ExecutorService virtualPerTask() throws Exception {
        return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    }

    static ThreadFactory virtualFactory() throws Exception {
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Method factory = Class.forName("java.lang.Thread$Builder").getMethod("factory");
        return (ThreadFactory) factory.invoke(builder);
    }

    static Map<String, String> seen(Downstream downstream, int n) throws Exception {
        Map<String, String> seen = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            RecordedRequest r = downstream.take();
            String auth = r.getHeaders().get("Authorization");
            seen.put(r.getTarget(), auth == null ? "none" : auth.equals("Bearer " + ALICE) ? "alice" : auth.equals("Bearer " + BOB) ? "bob" : "other");
        }
        return seen;
    }

    static Map<String, String> expected(String... whats) {
        Map<String, String> m = new TreeMap<>();
        for (String c : CALLERS) {
            for (String w : whats) {
                m.put("/" + c + "/" + w, c);
            }
        }
        return m;
    }

    /** What each caller does with its token current (or none): calls under {@code base} and counts each off {@code done}. */
    interface PerCaller {
        void run(String caller, String base, CountDownLatch done) throws Exception;
    }

    /**
     * Runs {@code work} for alice, a caller without a token and bob at the same time, each on a thread of its own,
     * and answers, for each path called downstream, whose token came with it.
     */
    static Map<String, String> probe(int callsPerCaller, PerCaller work) throws Exception {
        try (Downstream downstream = new Downstream()) {
            String base = downstream.allowedUrl("/");
            CountDownLatch done = new CountDownLatch(CALLERS.length * callsPerCaller);
            Thread[] threads = new Thread[CALLERS.length];
            for (int i = 0; i < CALLERS.length; i++) {
                String caller = CALLERS[i];
                threads[i] = new Thread(() -> {
                    try {
                        CurrentToken.with(token(caller), () -> {
                            work.run(caller, base + caller + "/", done);
                            return null;
                        });
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            for (Thread t : threads) {
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(done.await(20, TimeUnit.SECONDS), "calls made: " + downstream.requestCount() + " left " + done.getCount());
            return seen(downstream, CALLERS.length * callsPerCaller);
        }
    }

    @Test
    void springSimpleAsyncTaskExecutorOnVirtualThreadsRunsEachTaskWithItsCallersToken() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads");
        org.springframework.core.task.SimpleAsyncTaskExecutor executor = new org.springframework.core.task.SimpleAsyncTaskExecutor();
        executor.setVirtualThreads(true);
        org.springframework.core.task.SimpleAsyncTaskExecutor limited = new org.springframework.core.task.SimpleAsyncTaskExecutor();
        limited.setVirtualThreads(true);
        limited.setConcurrencyLimit(1);
        assertEquals(expected("execute", "submit", "completable", "limited"), probe(4, (caller, base, done) -> {
            executor.execute(() -> QueuedJobs.callThenCount(base + "execute", done));
            executor.submit(() -> QueuedJobs.callThenCount(base + "submit", done));
            executor.submitCompletable(() -> QueuedJobs.callThenCount(base + "completable", done));
            limited.execute(() -> QueuedJobs.callThenCount(base + "limited", done));
        }));
    }

    @Test
    void springSimpleAsyncTaskSchedulerOnVirtualThreadsRunsEachTaskWithItsCallersToken() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads");
        org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler scheduler = new org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler();
        scheduler.setVirtualThreads(true);
        try {
            assertEquals(expected("schedule", "execute"), probe(2, (caller, base, done) -> {
                scheduler.schedule(() -> QueuedJobs.callThenCount(base + "schedule", done), Instant.now().plusMillis(100));
                scheduler.execute(() -> QueuedJobs.callThenCount(base + "execute", done));
            }));
        } finally {
            scheduler.close();
        }
    }

    @Test
    void theJdksExecutorsOnVirtualThreadsRunEachTaskWithItsCallersToken() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads");
        ExecutorService perTask = virtualPerTask();
        ExecutorService ownFactory = (ExecutorService) Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class).invoke(null, virtualFactory());
        ExecutorService fixed = Executors.newFixedThreadPool(2, virtualFactory());
        assertEquals(expected("pertask", "ownfactory", "fixed", "cf", "cfthen"), probe(5, (caller, base, done) -> {
            perTask.execute(() -> QueuedJobs.callThenCount(base + "pertask", done));
            ownFactory.submit(() -> QueuedJobs.callThenCount(base + "ownfactory", done));
            fixed.execute(() -> QueuedJobs.callThenCount(base + "fixed", done));
            CompletableFuture.supplyAsync(() -> {
                QueuedJobs.callThenCount(base + "cf", done);
                return 1;
            }, perTask).thenApplyAsync(x -> {
                QueuedJobs.callThenCount(base + "cfthen", done);
                return x;
            }, perTask);
        }));
        perTask.shutdown();
        ownFactory.shutdown();
        fixed.shutdown();
    }

    @Test
    void jdkHttpClientOnAVirtualExecutorCallsBackWithItsCallersToken() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads");
        HttpClient client = HttpClient.newBuilder().executor(virtualPerTask()).build();
        assertEquals(expected("send", "then", "thenasync"), probe(3, (caller, base, done) -> {
            client.sendAsync(HttpRequest.newBuilder(URI.create(base + "send")).build(), HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> {
                        done.countDown();
                        QueuedJobs.callThenCount(base + "then", done);
                        return r;
                    }).thenApplyAsync(r -> {
                        QueuedJobs.callThenCount(base + "thenasync", done);
                        return r;
                    });
        }));
    }

    @Test
    void okHttpDispatcherOnAVirtualExecutorSendsAndCallsBackWithItsCallersToken() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads");
        okhttp3.Dispatcher dispatcher = new okhttp3.Dispatcher(virtualPerTask());
        dispatcher.setMaxRequestsPerHost(1);
        okhttp3.OkHttpClient client = new okhttp3.OkHttpClient.Builder().dispatcher(dispatcher).build();
        assertEquals(expected("enqueue", "callback"), probe(2, (caller, base, done) -> {
            client.newCall(new okhttp3.Request.Builder().url(base + "enqueue").build()).enqueue(new okhttp3.Callback() {
                @Override
                public void onFailure(okhttp3.Call call, java.io.IOException e) {
                    done.countDown();
                }

                @Override
                public void onResponse(okhttp3.Call call, okhttp3.Response response) {
                    response.close();
                    done.countDown();
                    QueuedJobs.callThenCount(base + "callback", done);
                }
            });
        }));
    }

    @Test
    void threadsMadeThroughTheJdksFactoriesStartWithNoToken() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads");
        try (Downstream downstream = new Downstream()) {
            String base = downstream.allowedUrl("/");
            CurrentToken.with(ALICE, () -> {
                Thread a = virtualFactory().newThread(() -> QueuedJobs.call(base + "none/virtualfactory"));
                a.start();
                a.join();
                Thread b = Executors.defaultThreadFactory().newThread(() -> QueuedJobs.call(base + "none/defaultfactory"));
                b.start();
                b.join();
                Object builder = Thread.class.getMethod("ofPlatform").invoke(null);
                ThreadFactory pf = (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
                Thread c = pf.newThread(() -> QueuedJobs.call(base + "none/platformfactory"));
                c.start();
                c.join();
                return null;
            });
            assertEquals(Map.of("/none/virtualfactory", "none", "/none/defaultfactory", "none", "/none/platformfactory", "none"), seen(downstream, 3));
        }
    }

    @Test
    void reactorSchedulersOverAVirtualExecutorRunEachTaskWithItsCallersToken() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads");
        reactor.core.scheduler.Scheduler trampolining = reactor.core.scheduler.Schedulers.fromExecutor(virtualPerTask(), true);
        reactor.core.scheduler.Scheduler service = reactor.core.scheduler.Schedulers.fromExecutorService(virtualPerTask());
        reactor.core.scheduler.Scheduler plain = reactor.core.scheduler.Schedulers.fromExecutor(virtualPerTask());
        CountDownLatch aliceIn = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Downstream downstream = new Downstream()) {
            String base = downstream.allowedUrl("/");
            CountDownLatch done = new CountDownLatch(9);
            CurrentToken.with(ALICE, () -> trampolining.schedule(() -> {
                aliceIn.countDown();
                QueuedJobs.await(release);
                QueuedJobs.callThenCount(base + "alice/trampoline", done);
            }));
            aliceIn.await(5, TimeUnit.SECONDS);
            CurrentToken.with(null, () -> trampolining.schedule(() -> QueuedJobs.callThenCount(base + "none/trampoline", done)));
            CurrentToken.with(BOB, () -> trampolining.schedule(() -> QueuedJobs.callThenCount(base + "bob/trampoline", done)));
            for (String caller : CALLERS) {
                CurrentToken.with(token(caller), () -> {
                    reactor.core.publisher.Mono.fromRunnable(() -> QueuedJobs.callThenCount(base + caller + "/service", done)).subscribeOn(service).subscribe();
                    reactor.core.publisher.Mono.fromRunnable(() -> QueuedJobs.callThenCount(base + caller + "/plain", done)).subscribeOn(plain).subscribe();
                    return null;
                });
            }
            Thread.sleep(500);
            release.countDown();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(expected("trampoline", "service", "plain"), seen(downstream, 9));
        }
    }
}
