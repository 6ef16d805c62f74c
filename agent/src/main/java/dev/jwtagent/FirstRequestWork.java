package dev.jwtagent;

import dev.jwtagent.log.AgentLog;

import java.util.ArrayList;
import java.util.List;

/**
 * Startup work that no request before the first one needs: publishing the metrics MBean and
 * instrumenting the already loaded classes that only act on a token (the JDK's executors and
 * threads). It runs once, on the first inbound request, before that request is decided; requests
 * arriving meanwhile wait for it, so no token is ever current while a hand-off is still plain.
 */
final class FirstRequestWork {
    private final List<Runnable> work = new ArrayList<>();
    private volatile boolean done;

    FirstRequestWork(Runnable first) {
        work.add(first);
    }

    synchronized void add(Runnable more) {
        work.add(more);
    }

    void run() {
        if (done) {
            return;
        }
        synchronized (this) {
            if (done) {
                return;
            }
            try {
                for (Runnable each : work) {
                    try {
                        each.run();
                    } catch (RuntimeException | Error fault) {
                        // The request goes on; what failed stays as it was (plain classes, no MBean).
                        AgentLog.logger("startup").warn("deferred startup work failed: {}", fault.toString());
                    }
                }
            } finally {
                work.clear();
                done = true;
            }
        }
    }
}
