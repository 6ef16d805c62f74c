package example.jwtagent.boot.probe;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;

/** Handlers that end in Spring Boot's error handling (Tomcat's error dispatch to /error), with no advice. */
@RestController
public class ProbeErrorController {
    @GetMapping({"/public/probe-throw", "/probe/throw"})
    public String fail() {
        throw new IllegalStateException("handler failed");
    }

    @GetMapping({"/public/probe-send-error", "/probe/send-error"})
    public void sendError(HttpServletResponse response) throws IOException {
        response.sendError(503, "unavailable");
    }

    @GetMapping("/probe/subject")
    public String subject(HttpServletRequest request) {
        return "subject=" + request.getAttribute("jwt.agent.subject");
    }
}
