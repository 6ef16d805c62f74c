package example.jwtagent.boot;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.RequestContextHolder;

import java.security.Principal;
import java.util.concurrent.Callable;

/** Behind Spring Security ({@link SecurityConfig}): the user it authenticated from the agent's subject. */
@RestController
@RequestMapping("/secured")
public class SecuredController {
    private final Downstream downstream;

    public SecuredController(Downstream downstream) {
        this.downstream = downstream;
    }

    @GetMapping("/me")
    public String me(Principal principal, HttpServletRequest request, @RequestAttribute(AttributesController.SUBJECT) String subject,
                     @RequestParam("to") String to) {
        return "user=" + principal.getName() + " remote-user=" + request.getRemoteUser() + " subject=" + subject
                + " downstream=" + downstream.withRestClient(to);
    }

    /** Spring MVC's async processing of the request Spring Security wrapped. */
    @GetMapping("/callable")
    public Callable<String> callable(Principal principal, @RequestParam("to") String to) {
        return () -> "user=" + principal.getName() + " " + AttributesController.describe(RequestContextHolder.currentRequestAttributes())
                + " downstream=" + downstream.withRestClient(to);
    }
}
