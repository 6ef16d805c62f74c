package example.jwtagent.boot.probe;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import jakarta.servlet.http.HttpServletRequest;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/** Handlers for the configuration probes (SpringBootConfigTest). */
@RestController
public class ProbeController {

    @GetMapping("/probe/whoami")
    public String whoami(HttpServletRequest request) {
        return "subject=" + request.getAttribute("jwt.agent.subject");
    }

    @GetMapping("/probe/fail")
    public String fail() {
        throw new IllegalStateException("handler failed");
    }

    /** RestClient and WebClient as teams configure them: a base URL and an application-set Authorization. */
    @GetMapping("/probe/call-with-defaults")
    public String callWithDefaults(@RequestParam("base") String base, @RequestParam("via") String via) {
        if ("web-client".equals(via)) {
            WebClient client = WebClient.builder().baseUrl(base)
                    .defaultHeader(HttpHeaders.AUTHORIZATION, "Basic YXBwOmFwcA==").build();
            return client.get().uri("/" + via).retrieve().toBodilessEntity().block().getStatusCode().value() + "";
        }
        RestClient.Builder builder = RestClient.builder().baseUrl(base)
                .defaultHeader(HttpHeaders.AUTHORIZATION, "Basic YXBwOmFwcA==");
        if ("rest-client-on-jdk-client".equals(via)) {
            builder.requestFactory(new org.springframework.http.client.JdkClientHttpRequestFactory());
        } else if ("rest-client-on-reactor-netty".equals(via)) {
            builder.requestFactory(new org.springframework.http.client.ReactorClientHttpRequestFactory());
        }
        RestClient client = builder.build();
        return client.get().uri("/" + via).retrieve().toBodilessEntity().getStatusCode().value() + "";
    }

    /** A base URL only: the token goes there as to any allowed host. */
    @GetMapping("/probe/call-with-base")
    public String callWithBase(@RequestParam("base") String base, @RequestParam("via") String via) {
        if ("web-client".equals(via)) {
            return WebClient.builder().baseUrl(base).build().get().uri("/" + via).retrieve().toBodilessEntity().block()
                    .getStatusCode().value() + "";
        }
        RestClient.Builder builder = RestClient.builder().baseUrl(base);
        if ("rest-client-on-jdk-client".equals(via)) {
            builder.requestFactory(new org.springframework.http.client.JdkClientHttpRequestFactory());
        } else if ("rest-client-on-reactor-netty".equals(via)) {
            builder.requestFactory(new org.springframework.http.client.ReactorClientHttpRequestFactory());
        }
        return builder.build().get().uri("/" + via).retrieve().toBodilessEntity()
                .getStatusCode().value() + "";
    }

    /** Outside the agent (under /public/): the probe counters and the agent's metrics. */
    @GetMapping("/public/probe-counts")
    public String counts() throws Exception {
        StringBuilder out = new StringBuilder();
        out.append("filter=").append(ProbeConfig.FILTER.get()).append('\n');
        out.append("interceptor=").append(ProbeConfig.INTERCEPTOR.get()).append('\n');
        out.append("advice=").append(ProbeConfig.ADVICE.get()).append('\n');
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("jwt.agent:type=Metrics");
        if (server.isRegistered(name)) {
            for (MBeanAttributeInfo attribute : server.getMBeanInfo(name).getAttributes()) {
                out.append(attribute.getName()).append('=').append(server.getAttribute(name, attribute.getName())).append('\n');
            }
        }
        return out.toString();
    }

    @RestControllerAdvice(assignableTypes = ProbeController.class)
    public static class Advice {
        @ExceptionHandler(Exception.class)
        @ResponseStatus(HttpStatus.INTERNAL_SERVER_ERROR)
        public String handle(Exception e) {
            ProbeConfig.ADVICE.incrementAndGet();
            return "advice: " + e.getMessage();
        }
    }
}
