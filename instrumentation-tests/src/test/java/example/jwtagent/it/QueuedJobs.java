package example.jwtagent.it;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** What the executor tests queue: a job of the application's own class, and the work it does. */
final class QueuedJobs {
    private QueuedJobs() {
    }

    /** The application's job: not {@code Comparable}; a priority queue's comparator casts to it and reads its priority. */
    static final class Job implements Runnable {
        final int priority;
        private final Runnable work;

        Job(int priority, Runnable work) {
            this.priority = priority;
            this.work = work;
        }

        @Override
        public void run() {
            work.run();
        }
    }

    /** Compares two {@link Job}s, as an application's comparator does: by casting them. */
    static int byPriority(Runnable a, Runnable b) {
        return Integer.compare(((Job) a).priority, ((Job) b).priority);
    }

    /** A GET of {@code url} through {@code HttpURLConnection}, which the agent adds the current token to. */
    static void call(String url) {
        try {
            DownstreamClients.urlConnection(url, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #call}, then one count off {@code done}, also when the call failed. */
    static void callThenCount(String url, CountDownLatch done) {
        try {
            call(url);
        } finally {
            done.countDown();
        }
    }

    /**
     * Who the next {@code calls} requests {@code downstream} received came from, in order of arrival:
     * "alice", "bob", "none" (no token) or "another value".
     */
    static List<String> callers(Downstream downstream, int calls, String alice, String bob) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            List<String> authorization = downstream.takeAuthorization();
            seen.add(authorization.isEmpty() ? "none" : authorization.get(0).equals("Bearer " + alice) ? "alice"
                    : authorization.get(0).equals("Bearer " + bob) ? "bob" : "another value");
        }
        return seen;
    }

    /** Waits for {@code latch} at most ten seconds, as a job holding its queue does. */
    static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
