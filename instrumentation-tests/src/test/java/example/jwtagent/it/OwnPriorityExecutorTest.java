package example.jwtagent.it;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.PriorityBlockingQueue;

import example.jwtagent.it.QueuedJobs.Job;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An executor of the application's own that keeps its jobs in a PriorityBlockingQueue ordered by a
 * comparator that casts them to the application's job class (not Comparable), and runs them when
 * asked: its execute must not throw, with a token current or without.
 */
class OwnPriorityExecutorTest {

    @Test
    void jobsQueueInOrderWithAndWithoutAToken() throws Exception {
        PriorityExecutor executor = new PriorityExecutor();
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        CurrentToken.with(null, () -> {
            executor.execute(new Job(5, () -> order.add(5)));
            executor.execute(new Job(9, () -> order.add(9)));
            return null;
        });
        CurrentToken.with(Tokens.valid("alice"), () -> {
            executor.execute(new Job(1, () -> order.add(1)));
            return null;
        });
        executor.runAll();
        assertEquals(List.of(1, 5, 9), order);
    }

    static final class PriorityExecutor implements Executor {
        private final PriorityBlockingQueue<Runnable> jobs = new PriorityBlockingQueue<>(11,
                QueuedJobs::byPriority);

        @Override
        public void execute(Runnable job) {
            jobs.add(job);
        }

        void runAll() {
            Runnable next;
            while ((next = jobs.poll()) != null) {
                next.run();
            }
        }
    }
}
