package example.jwtagent.boot;

import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.security.concurrent.DelegatingSecurityContextExecutor;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** More of the ways a Spring service hands work to other threads, each ending in a call downstream. */
@RestController
@RequestMapping("/stack")
public class StackController {
    private final Downstream downstream;
    private final TaskExecutor taskExecutor;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private final ThreadPoolTaskExecutor decorated = new ThreadPoolTaskExecutor();
    private final Executor securityExecutor;
    private final RestTemplate restTemplate = new RestTemplate();
    /** Where the scheduled job calls; set by a request to an excluded path (no token). */
    static final AtomicReference<String> scheduledTarget = new AtomicReference<>();
    static final AtomicInteger scheduledRuns = new AtomicInteger();
    private final AtomicInteger securityFilterSaw = SecurityConfig.SEEN;

    public StackController(Downstream downstream, @org.springframework.beans.factory.annotation.Qualifier("applicationTaskExecutor") TaskExecutor taskExecutor) {
        this.downstream = downstream;
        this.taskExecutor = taskExecutor;
        scheduler.setPoolSize(2);
        scheduler.setThreadNamePrefix("stack-scheduler-");
        scheduler.initialize();
        decorated.setCorePoolSize(2);
        decorated.setThreadNamePrefix("decorated-");
        decorated.setTaskDecorator(runnable -> () -> {
            String name = Thread.currentThread().getName();
            try {
                runnable.run();
            } finally {
                Thread.currentThread().setName(name);
            }
        });
        decorated.initialize();
        ThreadPoolTaskExecutor plain = new ThreadPoolTaskExecutor();
        plain.setCorePoolSize(2);
        plain.setThreadNamePrefix("security-");
        plain.initialize();
        securityExecutor = new DelegatingSecurityContextExecutor(plain);
    }

    @GetMapping("/deferred-scheduler")
    public DeferredResult<String> deferredScheduler(@RequestParam("to") String to) {
        DeferredResult<String> result = new DeferredResult<>(10_000L);
        scheduler.schedule(() -> result.setResult(downstream.withRestClient(to)), Instant.now().plusMillis(50));
        return result;
    }

    @GetMapping("/supply-async")
    public CompletableFuture<String> supplyAsync(@RequestParam("to") String to) {
        return CompletableFuture.supplyAsync(() -> downstream.withRestClient(to));
    }

    @GetMapping("/emitter")
    public ResponseBodyEmitter emitter(@RequestParam("to") String to) {
        ResponseBodyEmitter emitter = new ResponseBodyEmitter(10_000L);
        taskExecutor.execute(() -> {
            try {
                emitter.send("first;");
                emitter.send(downstream.withRestClient(to));
                emitter.complete();
            } catch (Exception e) {
                emitter.completeWithError(e);
            }
        });
        return emitter;
    }

    @GetMapping("/sse")
    public SseEmitter sse(@RequestParam("to") String to) {
        SseEmitter emitter = new SseEmitter(10_000L);
        scheduler.schedule(() -> {
            try {
                emitter.send(SseEmitter.event().data(downstream.withRestClient(to)));
                emitter.complete();
            } catch (Exception e) {
                emitter.completeWithError(e);
            }
        }, Instant.now().plusMillis(20));
        return emitter;
    }

    @GetMapping("/decorated")
    public String decorated(@RequestParam("to") String to) throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        decorated.execute(() -> answer.complete(downstream.withRestClient(to)));
        return answer.get(10, TimeUnit.SECONDS);
    }

    @GetMapping("/security-executor")
    public String securityExecutor(@RequestParam("to") String to) throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        securityExecutor.execute(() -> answer.complete(
                org.springframework.security.core.context.SecurityContextHolder.getContext().getAuthentication() + " " + downstream.withRestClient(to)));
        return answer.get(10, TimeUnit.SECONDS);
    }

    @GetMapping("/rest-template")
    public String restTemplate(@RequestParam("to") String to) {
        return restTemplate.getForEntity(to, String.class).getStatusCode().value() + "";
    }

    private static final java.util.Map<String, DeferredResult<String>> waiting = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.Map<String, SseEmitter> subscribed = new java.util.concurrent.ConcurrentHashMap<>();

    /** A long poll: waits until another request publishes to {@code id}. */
    @GetMapping("/poll")
    public DeferredResult<String> poll(@RequestParam("id") String id) {
        DeferredResult<String> result = new DeferredResult<>(10_000L);
        waiting.put(id, result);
        return result;
    }

    /** A subscription another request's publish ends. */
    @GetMapping("/subscribe")
    public SseEmitter subscribe(@RequestParam("id") String id) {
        SseEmitter emitter = new SseEmitter(10_000L);
        subscribed.put(id, emitter);
        return emitter;
    }

    /** Ends the long poll or the subscription {@code id}, on this request's thread, with a call downstream from it. */
    @GetMapping("/publish")
    public String publish(@RequestParam("id") String id, @RequestParam("to") String to) throws Exception {
        String answer = downstream.withRestClient(to);
        for (int i = 0; i < 200 && !waiting.containsKey(id) && !subscribed.containsKey(id); i++) {
            Thread.sleep(10);
        }
        DeferredResult<String> result = waiting.remove(id);
        if (result != null) {
            result.setResult("published " + answer);
            return "done";
        }
        SseEmitter emitter = subscribed.remove(id);
        if (emitter != null) {
            emitter.send("published " + answer);
            emitter.complete();
            return "done";
        }
        return "nobody";
    }

    /** A WebAsyncTask that times out; its timeout callback calls downstream. */
    @GetMapping("/async-timeout")
    public org.springframework.web.context.request.async.WebAsyncTask<String> asyncTimeout(@RequestParam("to") String to) {
        org.springframework.web.context.request.async.WebAsyncTask<String> task = new org.springframework.web.context.request.async.WebAsyncTask<>(200L, () -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                // cancelled by the timeout
            }
            return "late";
        });
        task.onTimeout(() -> "timeout " + downstream.withRestClient(to) + " on " + Thread.currentThread().getName());
        return task;
    }

    /** A DeferredResult that times out; its timeout callback calls downstream and sets the result. */
    @GetMapping("/deferred-timeout")
    public DeferredResult<String> deferredTimeout(@RequestParam("to") String to) {
        DeferredResult<String> result = new DeferredResult<>(200L);
        result.onTimeout(() -> result.setResult("timeout " + downstream.withRestClient(to) + " on " + Thread.currentThread().getName()));
        return result;
    }

    /** A Callable that fails: Spring dispatches the failure back, and Tomcat then to /error. */
    @GetMapping("/callable-fail")
    public java.util.concurrent.Callable<String> callableFail(@RequestParam("to") String to) {
        return () -> {
            throw new IllegalStateException("failed on Spring's thread after " + downstream.withRestClient(to));
        };
    }

    /** A DeferredResult nobody completes: Spring's own timeout handling answers 503 through /error. */
    @GetMapping("/deferred-unhandled-timeout")
    public DeferredResult<String> deferredUnhandledTimeout(@RequestParam("to") String to) {
        downstream.withRestClient(to);
        return new DeferredResult<>(200L);
    }

    /** A Mono returned to Spring MVC, its call made on Reactor's bounded elastic scheduler. */
    @GetMapping("/mono-elastic")
    public reactor.core.publisher.Mono<String> monoElastic(@RequestParam("to") String to) {
        return reactor.core.publisher.Mono.fromCallable(() -> downstream.withRestClient(to))
                .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic());
    }

    /** A Mono returned to Spring MVC, its call made after a delay, on Reactor's parallel scheduler. */
    @GetMapping("/mono-delay")
    public reactor.core.publisher.Mono<String> monoDelay(@RequestParam("to") String to) {
        return reactor.core.publisher.Mono.delay(java.time.Duration.ofMillis(20)).map(tick -> downstream.withRestClient(to));
    }

    @GetMapping("/fail")
    public String fail(@RequestParam("to") String to) {
        throw new IllegalStateException("failed on purpose");
    }

    /** On an excluded path: points the scheduled job at a URL, answers how many times it ran and Spring Security's filter count. */
    @GetMapping("/public-info")
    public String info(@RequestParam(value = "scheduled-to", required = false) String to) {
        if (to != null) {
            scheduledTarget.set("off".equals(to) ? null : to);
        }
        return scheduledRuns.get() + " " + securityFilterSaw.get();
    }

    @Scheduled(fixedDelay = 100)
    public void scheduledJob() {
        String to = scheduledTarget.get();
        if (to != null) {
            scheduledRuns.incrementAndGet();
            downstream.withRestClient(to);
        }
    }
}
