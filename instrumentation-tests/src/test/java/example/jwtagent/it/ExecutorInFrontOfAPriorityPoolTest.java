package example.jwtagent.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.scheduling.concurrent.ConcurrentTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import example.jwtagent.it.QueuedJobs.Job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static example.jwtagent.it.QueuedJobs.await;
import static example.jwtagent.it.QueuedJobs.call;

/**
 * A priority pool (a {@code ThreadPoolExecutor} whose {@code PriorityBlockingQueue} orders the
 * application's own jobs with a comparator that casts them to the job's class) reached through an
 * executor of the application's or a framework's in front of it: Spring's {@code ThreadPoolTaskExecutor}
 * with its {@code createQueue} overridden, Spring's {@code ConcurrentTaskExecutor} around such a pool,
 * and the application's own decorator. The jobs are queued and ordered, no exception comes out of
 * {@code execute}, and a job carries no token, as when given to the pool itself
 * ({@code HandoffContractTest}). Before, the executor in front wrapped each job, with the caller's
 * token or with none, and the queue's comparator threw {@code ClassCastException} into the
 * application, also where no token was current.
 */
class ExecutorInFrontOfAPriorityPoolTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"spring-thread-pool-task-executor", "spring-concurrent-task-executor", "own-decorator"})
    void jobsAreQueuedInOrderWithoutAnExceptionOrAToken(String front) throws Exception {
        PriorityPool pool = new PriorityPool();
        try (Downstream downstream = new Downstream()) {
            String url = downstream.allowedUrl("/orders");
            Executor executor = pool.behind(front);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(3);
            // Where no token is current (the application's startup, a scheduled job): the worker is held.
            CurrentToken.with(null, () -> {
                executor.execute(new Job(0, () -> {
                    started.countDown();
                    await(release);
                }));
                return null;
            });
            assertTrue(started.await(10, TimeUnit.SECONDS), "the first job runs");
            CurrentToken.with(null, () -> {
                executor.execute(new Job(5, () -> {
                    order.add(5);
                    done.countDown();
                }));
                return null;
            });
            // From a request: a second queued job makes the queue compare.
            CurrentToken.with(Tokens.valid("alice"), () -> {
                executor.execute(new Job(1, () -> {
                    order.add(1);
                    call(url);
                    done.countDown();
                }));
                return null;
            });
            release.countDown();
            executor.execute(new Job(9, done::countDown));
            assertTrue(done.await(10, TimeUnit.SECONDS), "the queued jobs run");
            assertEquals(List.of(1, 5), order.subList(0, 2), "the queue orders the jobs by their priority");
            assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "a job of a priority pool carries no token");
        } finally {
            pool.shutdown();
        }
    }

    private static final Comparator<Runnable> BY_PRIORITY = QueuedJobs::byPriority;

    /** The application's own executor in front of a pool: it counts what it hands over. */
    static final class CountingExecutor implements Executor {
        private final Executor delegate;
        int handedOver;

        CountingExecutor(Executor delegate) {
            this.delegate = delegate;
        }

        @Override
        public void execute(Runnable command) {
            handedOver++;
            delegate.execute(command);
        }
    }

    private static final class PriorityPool {
        private ThreadPoolExecutor jdkPool;
        private ThreadPoolTaskExecutor spring;

        Executor behind(String front) {
            if (front.equals("spring-thread-pool-task-executor")) {
                spring = new ThreadPoolTaskExecutor() {
                    @Override
                    protected BlockingQueue<Runnable> createQueue(int queueCapacity) {
                        return new PriorityBlockingQueue<>(11, BY_PRIORITY);
                    }
                };
                spring.setCorePoolSize(1);
                spring.setMaxPoolSize(1);
                spring.initialize();
                return spring;
            }
            jdkPool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new PriorityBlockingQueue<>(11, BY_PRIORITY));
            return front.equals("spring-concurrent-task-executor") ? new ConcurrentTaskExecutor(jdkPool) : new CountingExecutor(jdkPool);
        }

        void shutdown() {
            if (spring != null) {
                spring.shutdown();
            }
            if (jdkPool != null) {
                jdkPool.shutdownNow();
            }
        }
    }
}
