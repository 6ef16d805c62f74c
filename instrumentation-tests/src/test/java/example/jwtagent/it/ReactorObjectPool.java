package example.jwtagent.it;

import reactor.core.publisher.Mono;
import reactor.pool.InstrumentedPool;
import reactor.pool.PoolBuilder;
import reactor.pool.PooledRef;

import java.time.Duration;

/**
 * One reactor-pool pool of one resource shared by every caller, used the way an application uses
 * r2dbc-pool: a caller acquires, works with the resource, releases it. One caller holds the
 * resource; the others' acquires wait, each with a continuation that calls downstream and then
 * releases. Releasing hands the resource to the next waiter on the releasing thread, which runs
 * that waiter's continuation right there.
 */
final class ReactorObjectPool {
    private static InstrumentedPool<Object> pool;
    private static PooledRef<Object> held;

    private ReactorObjectPool() {
    }

    private static synchronized InstrumentedPool<Object> pool() {
        if (pool == null) {
            pool = PoolBuilder.from(Mono.fromSupplier(Object::new)).sizeBetween(0, 1).maxPendingAcquireUnbounded().buildPool();
        }
        return pool;
    }

    /** Acquires the one resource and keeps it. */
    static int hold(String url, String authorization) {
        PooledRef<Object> ref = pool().acquire().block(Duration.ofSeconds(10));
        synchronized (ReactorObjectPool.class) {
            held = ref;
        }
        return 200;
    }

    /**
     * Subscribes to an acquire whose continuation, once the resource is delivered, calls the URL in
     * {@code url}'s {@code then} parameter (with {@code HttpURLConnection}) and releases it, and
     * whose error handler calls that URL too; returns at once.
     */
    static int waitThenCall(String url, String authorization) {
        String then = JdkHeldExchanges.then(url);
        pool().acquire().subscribe(ref -> {
            JdkHeldExchanges.callFromACallback(then);
            ref.release().subscribe();
        }, failure -> JdkHeldExchanges.callFromACallback(then));
        return 200;
    }

    /** Disposes the shared pool on this thread, failing the waiting acquires, then calls {@code url} with {@code HttpURLConnection}. */
    static int disposeThenCall(String url, String authorization) throws Exception {
        InstrumentedPool<Object> disposed;
        synchronized (ReactorObjectPool.class) {
            disposed = pool;
            pool = null;
            held = null;
        }
        disposed.dispose();
        return DownstreamClients.urlConnection(url, authorization);
    }

    /** Releases the held resource on this thread, then calls {@code url} with {@code HttpURLConnection}. */
    static int releaseThenCall(String url, String authorization) throws Exception {
        PooledRef<Object> ref;
        synchronized (ReactorObjectPool.class) {
            ref = held;
            held = null;
        }
        ref.release().block(Duration.ofSeconds(10));
        return DownstreamClients.urlConnection(url, authorization);
    }

    /** How many acquires wait for the resource. */
    static int waiting() {
        InstrumentedPool<Object> current;
        synchronized (ReactorObjectPool.class) {
            current = pool;
        }
        return current == null ? 0 : current.metrics().pendingAcquireSize();
    }

    /** Disposes the shared pool: the next test starts with a new one. */
    static synchronized void forget() {
        if (pool != null) {
            pool.dispose();
        }
        pool = null;
        held = null;
    }
}
