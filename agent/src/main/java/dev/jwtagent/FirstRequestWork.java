package dev.jwtagent;

import dev.jwtagent.log.AgentLog;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Startup work that no request needs before a given first one, run once, by that request, before
 * it is decided further; requests arriving meanwhile wait for it. The agent has two:
 * <ul>
 *   <li>on the first inbound request of any kind: publishing the metrics MBean;</li>
 *   <li>on the first inbound request with a verified token, before that token becomes current:
 *       instrumenting the already loaded classes that only act on a token (the JDK's
 *       {@code Thread}, loaded before any agent, and on Java 21+ its virtual threads and
 *       {@code ForkJoinPool}). Until a token is current no hand-off has anything to carry, so the
 *       requests before it (readiness probes, say, or rejected tokens) do not wait for this
 *       work.</li>
 * </ul>
 * With {@code -javaagent} every part is added before any request can arrive, so no token is ever
 * current while a hand-off is still plain. On attach, a request can arrive while the agent is
 * still installing: work added after its request has come is run at once by the installer,
 * and until then that request's hand-offs carry no token (none leaks: an uninstrumented hand-off
 * passes nothing on).
 */
final class FirstRequestWork implements Runnable, Consumer<Runnable> {
    private final List<Runnable> work = new ArrayList<>();
    /** A lock rather than {@code synchronized}: a virtual thread waiting here does not pin its carrier. */
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean done;
    /** Which request runs it, for the debug line: "the first request", say. */
    private final String occasion;

    FirstRequestWork(String occasion) {
        this.occasion = occasion;
    }

    /** Adds work for that request; runs it now if the request has already come. */
    void add(Runnable more) {
        lock.lock();
        try {
            if (done) {
                runSafely(more);
            } else {
                work.add(more);
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@link #add}: how other parts of the agent are handed this. */
    @Override
    public void accept(Runnable more) {
        add(more);
    }

    /** Runs the work, once; called by every request it is for, so a flag that is set is all it costs after that. */
    @Override
    public void run() {
        if (done) {
            return;
        }
        lock.lock();
        try {
            if (done) {
                return;
            }
            long started = System.nanoTime();
            try {
                for (Runnable each : work) {
                    runSafely(each);
                }
                AgentLog.logger("startup").debug("work deferred to {} done in {} ms", occasion, (System.nanoTime() - started) / 1_000_000);
            } finally {
                work.clear();
                done = true;
            }
        } finally {
            lock.unlock();
        }
    }

    private static void runSafely(Runnable each) {
        try {
            each.run();
        } catch (RuntimeException | Error fault) {
            // The request goes on; what failed stays as it was (plain classes, no MBean).
            AgentLog.startupWarning(AgentLog.logger("startup"), "deferred startup work failed: {}", fault.toString());
        }
    }
}
