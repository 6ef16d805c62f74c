package example.jwtagent.it;

import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reactor's bounded elastic scheduler, made by the request that first uses it (as
 * {@code Schedulers.boundedElastic()} is), with workers idle for a second evicted. The application
 * decorates the scheduler's executors ({@code Schedulers.addExecutorServiceDecorator}, as metrics
 * do); its decorator, told by the scheduler's evictor that an idle worker is shut down, calls the
 * URL in the request URL's {@code then} parameter once.
 */
final class ReactorBoundedElastic {
    private static final String DECORATOR = "jwt-agent-it-evicted-workers";
    private static final AtomicBoolean CALLED = new AtomicBoolean();
    private static volatile String then;
    private static volatile Scheduler scheduler;

    private ReactorBoundedElastic() {
    }

    /** A new scheduler (the one before disposed), with one task run on it and waited for; the worker it ran on is then idle. */
    static synchronized int runOneTaskOnANewScheduler(String url, String authorization) throws Exception {
        forgetTheScheduler();
        then = JdkHeldExchanges.then(url);
        CALLED.set(false);
        Schedulers.addExecutorServiceDecorator(DECORATOR, (owner, executor) -> owner == scheduler ? tellingOfShutdown(executor) : executor);
        try {
            scheduler = Schedulers.newBoundedElastic(1, 10, "evicted-workers", 1);
            CountDownLatch ran = new CountDownLatch(1);
            scheduler.schedule(ran::countDown);
            if (!ran.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the task did not run");
            }
        } finally {
            Schedulers.removeExecutorServiceDecorator(DECORATOR);
        }
        return 200;
    }

    /** The executor as it is, except that its {@code shutdownNow()}, when the evictor calls it, first calls {@link #then}. */
    private static ScheduledExecutorService tellingOfShutdown(ScheduledExecutorService executor) {
        return (ScheduledExecutorService) Proxy.newProxyInstance(ReactorBoundedElastic.class.getClassLoader(),
                new Class<?>[] {ScheduledExecutorService.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("shutdownNow") && Thread.currentThread().getName().startsWith("boundedElastic-evictor")
                            && CALLED.compareAndSet(false, true)) {
                        JdkHeldExchanges.callFromACallback(then);
                    }
                    try {
                        return method.invoke(executor, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static synchronized void forgetTheScheduler() {
        if (scheduler != null) {
            scheduler.dispose();
        }
        scheduler = null;
    }
}
