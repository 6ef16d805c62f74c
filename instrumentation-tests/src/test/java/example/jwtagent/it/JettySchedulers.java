package example.jwtagent.it;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Jetty's {@code ScheduledExecutorScheduler} (jetty-util: 9.4 on this module's class path, 12 in the
 * child JVMs with Jetty 12), reflectively. Jetty's clients and servers time requests out on it.
 */
final class JettySchedulers {
    private JettySchedulers() {
    }

    /**
     * Schedules a task on a new scheduler, which schedules a second one from the scheduler's thread,
     * as Jetty's timeouts do when one expires and the next is due; the second calls {@code url}
     * through {@code HttpURLConnection}. Answers that call's status.
     */
    static int scheduleTwiceThenCall(String url, String authorization) throws Exception {
        Class<?> type = Class.forName("org.eclipse.jetty.util.thread.ScheduledExecutorScheduler");
        Object scheduler = type.getConstructor(String.class, boolean.class).newInstance("test-timers", true);
        type.getMethod("start").invoke(scheduler);
        Method schedule = type.getMethod("schedule", Runnable.class, long.class, TimeUnit.class);
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Runnable second = () -> {
            try {
                status.complete(DownstreamClients.byName("url-connection").get(url, authorization));
            } catch (Exception e) {
                status.completeExceptionally(e);
            }
        };
        Runnable first = () -> {
            try {
                schedule.invoke(scheduler, second, 10L, TimeUnit.MILLISECONDS);
            } catch (ReflectiveOperationException e) {
                status.completeExceptionally(e);
            }
        };
        try {
            schedule.invoke(scheduler, first, 10L, TimeUnit.MILLISECONDS);
            return status.get(10, TimeUnit.SECONDS);
        } finally {
            type.getMethod("stop").invoke(scheduler);
        }
    }
}
