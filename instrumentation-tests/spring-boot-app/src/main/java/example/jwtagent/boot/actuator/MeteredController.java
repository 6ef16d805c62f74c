package example.jwtagent.boot.actuator;

import example.jwtagent.boot.Downstream;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Work handed to an executor that Micrometer times ({@code ExecutorServiceMetrics.monitor}: each task
 * wrapped in a timer, the pool's gauges bound), as services meter their own pools (SpringBootActuatorTest).
 */
@RestController
public class MeteredController {
    private final Downstream downstream;
    private final ExecutorService timed;
    private final ScheduledExecutorService timedScheduler;

    public MeteredController(Downstream downstream, MeterRegistry registry) {
        this.downstream = downstream;
        AtomicInteger threads = new AtomicInteger();
        this.timed = ExecutorServiceMetrics.monitor(registry,
                Executors.newFixedThreadPool(2, task -> new Thread(task, "timed-" + threads.incrementAndGet())), "probe.timed");
        this.timedScheduler = ExecutorServiceMetrics.monitor(registry,
                Executors.newScheduledThreadPool(1, task -> new Thread(task, "timed-scheduler-" + threads.incrementAndGet())), "probe.timed-scheduler");
    }

    /** Calls {@code to} from a scheduled task of a timed scheduled pool (also without a token under /public/). */
    @GetMapping({"/metered/timed-scheduler", "/public/metered/timed-scheduler"})
    public String timedScheduler(@RequestParam("to") String to, HttpServletRequest request) throws Exception {
        return "subject=" + request.getAttribute("jwt.agent.subject") + " "
                + timedScheduler.schedule(() -> downstream.withRestClient(to), 20, TimeUnit.MILLISECONDS).get(10, TimeUnit.SECONDS);
    }

    /** Calls {@code to} from the timed executor; answers with the subject and the downstream answer (also without a token under /public/). */
    @GetMapping({"/metered/timed-executor", "/public/metered/timed-executor"})
    public String timedExecutor(@RequestParam("to") String to, HttpServletRequest request) throws Exception {
        return "subject=" + request.getAttribute("jwt.agent.subject") + " "
                + timed.submit(() -> downstream.withRestClient(to)).get(10, TimeUnit.SECONDS);
    }

    /** Where the health check calls (on an excluded path). */
    @GetMapping("/public/health-target")
    public String healthTarget(@RequestParam(value = "to", required = false) String to) {
        ProbeHealthIndicator.TARGET.set(to);
        return "ok";
    }
}
