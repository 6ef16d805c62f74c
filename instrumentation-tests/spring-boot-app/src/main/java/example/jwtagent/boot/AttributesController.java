package example.jwtagent.boot;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.task.TaskExecutor;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.WebAsyncTask;
import org.springframework.web.server.ResponseStatusException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * What a Spring MVC application does with the request attributes the agent sets: binds them with
 * {@code @RequestAttribute}, reads, lists and removes them through {@code RequestContextHolder},
 * across an include of another handler, on Spring MVC's async threads and in its async dispatch, and
 * in Spring Boot's error handling ({@link SubjectErrorAttributes}).
 */
@RestController
@RequestMapping("/attrs")
public class AttributesController {
    static final String SUBJECT = "jwt.agent.subject";

    private final Downstream downstream;
    private final TaskExecutor taskExecutor;

    public AttributesController(Downstream downstream, @org.springframework.beans.factory.annotation.Qualifier("applicationTaskExecutor") TaskExecutor taskExecutor) {
        this.downstream = downstream;
        this.taskExecutor = taskExecutor;
    }

    @GetMapping("/bound")
    public String bound(@RequestAttribute(name = SUBJECT, required = false) String subject,
                        @RequestAttribute(name = "jwt.agent.claims", required = false) Map<String, Object> claims) {
        return "subject=" + subject + " claims.sub=" + (claims == null ? null : claims.get("sub"));
    }

    /** Reads and lists them through Spring's request attributes, removes the subject, and looks again. */
    @GetMapping("/holder")
    public String holder() {
        RequestAttributes attributes = RequestContextHolder.currentRequestAttributes();
        String before = describe(attributes);
        attributes.removeAttribute(SUBJECT, RequestAttributes.SCOPE_REQUEST);
        return before + " | removed: " + describe(attributes);
    }

    /** What the included handler below sees, then what this one sees after the include (DispatcherServlet's snapshot and restore). */
    @GetMapping("/include")
    public void include(HttpServletRequest request, HttpServletResponse response) throws Exception {
        response.setContentType("text/plain");
        OutputStream out = response.getOutputStream();
        out.write(("before: subject=" + request.getAttribute(SUBJECT) + " | included: ").getBytes(StandardCharsets.UTF_8));
        request.getRequestDispatcher("/attrs/listed").include(request, response);
        out.write((" | after: " + describe(RequestContextHolder.currentRequestAttributes())).getBytes(StandardCharsets.UTF_8));
    }

    @GetMapping("/listed")
    public String listed() {
        return describe(RequestContextHolder.currentRequestAttributes());
    }

    /** On Spring MVC's async thread, which Spring gives the request's attributes. */
    @GetMapping("/callable")
    public Callable<String> callable(@RequestParam("to") String to) {
        return () -> describe(RequestContextHolder.currentRequestAttributes()) + " downstream=" + downstream.withRestClient(to);
    }

    @GetMapping("/web-async-task")
    public WebAsyncTask<String> webAsyncTask(@RequestParam("to") String to) {
        return new WebAsyncTask<>(10_000L, callable(to));
    }

    /** Completed by the task executor; {@link DispatchSubjectFilter} looks at the async dispatch. */
    @GetMapping("/deferred")
    public DeferredResult<String> deferred(HttpServletRequest request, @RequestParam("to") String to) {
        DeferredResult<String> result = new DeferredResult<>(10_000L);
        taskExecutor.execute(() -> result.setResult("subject=" + request.getAttribute(SUBJECT) + " downstream=" + downstream.withRestClient(to)));
        return result;
    }

    /** Handled by Spring (a status), so Tomcat dispatches to Spring Boot's /error: see {@link SubjectErrorAttributes}. */
    @GetMapping("/fail")
    public String fail() {
        throw new ResponseStatusException(HttpStatus.I_AM_A_TEAPOT, "the handler failed");
    }

    static String describe(RequestAttributes attributes) {
        TreeSet<String> names = new TreeSet<>();
        for (String name : attributes.getAttributeNames(RequestAttributes.SCOPE_REQUEST)) {
            if (name.startsWith("jwt.agent.")) {
                names.add(name);
            }
        }
        return "subject=" + attributes.getAttribute(SUBJECT, RequestAttributes.SCOPE_REQUEST) + " names=" + names;
    }
}
