package example.jwtagent.it;

import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One Reactor Netty {@code HttpClient} shared by every caller, whose pool has one connection and
 * lets no exchange wait for it (a pending-acquire limit of 0), and whose allocation strategy, the
 * application's own, can make two callers' acquires meet inside the pool.
 *
 * <p>When the pool is over its limit, the caller whose acquire finds it so fails the newest waiter
 * right there, on its own thread ({@code pendingOffer}: its queue's last). That is the caller's own
 * waiter unless another caller queued between this caller's enqueueing and its check. The pool asks
 * the allocation strategy how many connections it could still open right between the two, so the
 * strategy here, once {@link #meetInThePool() armed}, holds the first caller that asks from there
 * until a second caller has queued and asks in turn, and holds that second one until the first
 * caller's subscription has returned. The first caller then fails the second caller's waiter.
 */
final class ReactorPendingLimit {
    /** Event loops of these exchanges' own (see {@link ReactorWaitingExchanges}). */
    private static final LoopResources LOOPS = LoopResources.create("pending-limit", 1, true);
    private static ConnectionProvider pool;
    private static HttpClient shared;

    private static volatile Meeting meeting;
    private static final ThreadLocal<Boolean> FIRST_TO_QUEUE = new ThreadLocal<>();

    private ReactorPendingLimit() {
    }

    private static synchronized HttpClient shared() {
        if (shared == null) {
            pool = ConnectionProvider.builder("pending-limit").pendingAcquireMaxCount(0)
                    .allocationStrategy(new OneConnection()).build();
            shared = HttpClient.create(pool).runOn(LOOPS);
        }
        return shared;
    }

    /** The next two callers to queue meet in the pool: the first fails the second's waiter. */
    static void meetInThePool() {
        meeting = new Meeting();
    }

    /** Whether the first of the two meeting callers is held, waiting for the second. */
    static boolean firstIsWaiting() {
        Meeting current = meeting;
        return current != null && current.firstArrived.getCount() == 0;
    }

    /** Whether both callers met as planned (each let go by the other, not by a timeout). */
    static boolean met() {
        Meeting current = meeting;
        return current != null && current.met;
    }

    /**
     * Subscribes to an exchange of {@code url} whose error handler calls the URL in its {@code then}
     * parameter (with {@code HttpURLConnection}); returns once subscribed.
     */
    static int start(String url, String authorization) {
        ReactorWaitingExchanges.start(shared(), url, authorization);
        Meeting current = meeting;
        if (current != null && Boolean.TRUE.equals(FIRST_TO_QUEUE.get())) {
            FIRST_TO_QUEUE.remove();
            current.firstSubscribed.countDown();
        }
        return 200;
    }

    /** Disposes the shared pool: the next test starts with a new one. */
    static synchronized void forgetTheSharedPool() {
        if (pool != null) {
            pool.dispose();
        }
        pool = null;
        shared = null;
        meeting = null;
    }

    /** The two callers' places in the plan. */
    private static final class Meeting {
        final AtomicInteger arrivals = new AtomicInteger();
        final CountDownLatch firstArrived = new CountDownLatch(1);
        final CountDownLatch secondArrived = new CountDownLatch(1);
        final CountDownLatch firstSubscribed = new CountDownLatch(1);
        final ThreadLocal<Boolean> arrived = new ThreadLocal<>();
        volatile boolean firstLetGo;
        volatile boolean secondLetGo;
        volatile boolean met;

        /** Called by a caller that has just queued in the pool and not yet checked its limit; once per caller. */
        void arrive() throws InterruptedException {
            if (arrived.get() != null) {
                return;
            }
            arrived.set(Boolean.TRUE);
            int arrival = arrivals.incrementAndGet();
            if (arrival == 1) {
                FIRST_TO_QUEUE.set(Boolean.TRUE);
                firstArrived.countDown();
                firstLetGo = secondArrived.await(10, TimeUnit.SECONDS);
            } else if (arrival == 2) {
                secondArrived.countDown();
                secondLetGo = firstSubscribed.await(10, TimeUnit.SECONDS);
                met = firstLetGo && secondLetGo;
            }
        }
    }

    /** At most one connection, as the application may configure the pool's allocation itself. */
    private static final class OneConnection implements ConnectionProvider.AllocationStrategy<OneConnection> {
        private final AtomicInteger granted = new AtomicInteger();

        @Override
        public OneConnection copy() {
            return new OneConnection();
        }

        @Override
        public int estimatePermitCount() {
            Meeting current = meeting;
            if (current != null && askedRightAfterQueueing()) {
                try {
                    current.arrive();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return 1 - granted.get();
        }

        /** Asked by the pool in {@code pendingOffer}; a caller's first such question comes before it checks the limit. */
        private static boolean askedRightAfterQueueing() {
            return StackWalker.getInstance().walk(frames -> frames.limit(8).anyMatch(frame -> frame.getMethodName().equals("pendingOffer")));
        }

        @Override
        public int getPermits(int desired) {
            for (;;) {
                int now = granted.get();
                int given = Math.min(desired, 1 - now);
                if (given <= 0) {
                    return 0;
                }
                if (granted.compareAndSet(now, now + given)) {
                    return given;
                }
            }
        }

        @Override
        public int permitGranted() {
            return granted.get();
        }

        @Override
        public int permitMinimum() {
            return 0;
        }

        @Override
        public int permitMaximum() {
            return 1;
        }

        @Override
        public void returnPermits(int returned) {
            granted.addAndGet(-returned);
        }
    }
}
