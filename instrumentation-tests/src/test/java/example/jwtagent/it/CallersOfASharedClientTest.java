package example.jwtagent.it;

import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What the tests of one client shared by a service's callers have in common: the service, a
 * downstream that holds exchanges open ({@link HoldingDownstream}), and an allowed downstream that
 * records the calls the callers' callbacks make.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CallersOfASharedClientTest {
    HoldingDownstream holding;
    Downstream downstream;
    TestServer service;

    /** The service the callers call, with the agent. */
    abstract TestServer startService() throws Exception;

    @BeforeAll
    void start() throws Exception {
        holding = new HoldingDownstream();
        downstream = new Downstream();
        service = startService();
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        downstream.close();
        holding.close();
    }

    /** The next {@code count} calls that arrive downstream, as "path [Authorization values]", sorted; and no more. */
    List<String> arrived(int count) throws Exception {
        List<String> arrived = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RecordedRequest request = downstream.poll(10_000);
            assertNotNull(request, count + " calls arrived; so far " + arrived);
            arrived.add(request.getUrl().encodedPath() + " " + request.getHeaders().values("Authorization"));
        }
        assertNull(downstream.poll(300), "no more than " + count + " calls");
        arrived.sort(null);
        return arrived;
    }

    /** "path [values]" lines as {@link #arrived} gives them, sorted. */
    static List<String> sorted(String... lines) {
        List<String> sorted = new ArrayList<>(List.of(lines));
        sorted.sort(null);
        return sorted;
    }
}
