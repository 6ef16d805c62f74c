package example.jwtagent.boot;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.task.TaskExecutor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

@RestController
public class CallController {
    private final Downstream downstream;
    private final TaskExecutor taskExecutor;
    private final AtomicInteger calls = new AtomicInteger();

    public CallController(Downstream downstream, @org.springframework.beans.factory.annotation.Qualifier("applicationTaskExecutor") TaskExecutor taskExecutor) {
        this.downstream = downstream;
        this.taskExecutor = taskExecutor;
    }

    /**
     * Calls {@code to} the way {@code via} names, and answers with the downstream status and the thread that called.
     * Also under {@code /public/}, for requests without a token where {@code inbound.required=true}.
     */
    @GetMapping({"/call", "/public/call"})
    public String call(@RequestParam("via") String via, @RequestParam("to") String to) throws Exception {
        calls.incrementAndGet();
        switch (via) {
            case "rest-client":
                return downstream.withRestClient(to);
            case "rest-client-on-jdk-client":
                return downstream.withRestClientOnJdkClient(to);
            case "rest-client-on-reactor-netty":
                return downstream.withRestClientOnReactorNetty(to);
            case "jdk-client":
                return downstream.withJdkClient(to);
            case "async-rest-client":
                return downstream.withRestClientAsync(to).get(10, TimeUnit.SECONDS);
            case "async-jdk-client":
                return downstream.withJdkClientAsync(to).get(10, TimeUnit.SECONDS);
            case "task-executor":
                CompletableFuture<String> answer = new CompletableFuture<>();
                taskExecutor.execute(() -> {
                    try {
                        answer.complete(downstream.withRestClient(to));
                    } catch (RuntimeException e) {
                        answer.completeExceptionally(e);
                    }
                });
                return answer.get(10, TimeUnit.SECONDS);
            default:
                throw new IllegalArgumentException("no such way to call: " + via);
        }
    }

    /** The subject the agent set on the request (null without a verified token). */
    @GetMapping("/whoami")
    public String whoami(HttpServletRequest request) {
        calls.incrementAndGet();
        return String.valueOf(request.getAttribute("jwt.agent.subject"));
    }

    /** Spring MVC's async request processing: the call runs on Spring's task executor, the answer in an async dispatch. */
    @GetMapping("/call-callable")
    public Callable<String> callCallable(@RequestParam("to") String to) {
        calls.incrementAndGet();
        return () -> downstream.withRestClient(to);
    }

    /** An {@code @Async} method's future returned to Spring MVC as it is. */
    @GetMapping("/call-future")
    public CompletableFuture<String> callFuture(@RequestParam("to") String to) {
        calls.incrementAndGet();
        return downstream.withRestClientAsync(to);
    }

    /** A DeferredResult the task executor completes after calling downstream. */
    @GetMapping("/call-deferred")
    public DeferredResult<String> callDeferred(@RequestParam("to") String to) {
        calls.incrementAndGet();
        DeferredResult<String> result = new DeferredResult<>(10_000L);
        taskExecutor.execute(() -> result.setResult(downstream.withRestClient(to)));
        return result;
    }

    /** How many times {@link #call} ran (on an excluded path: no token needed). */
    @GetMapping("/public/calls")
    public String calls() {
        return Integer.toString(calls.get());
    }
}
