package example.jwtagent.boot;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * A filter on {@code /attrs/*} and {@code /secured/*} that also runs in async dispatches: there it answers, in headers, the
 * subject it finds and the status of a call to the downstream URL the request names in {@code dispatch-to}.
 */
public class DispatchSubjectFilter extends OncePerRequestFilter {
    private final Downstream downstream;

    DispatchSubjectFilter(Downstream downstream) {
        this.downstream = downstream;
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (isAsyncDispatch(request)) {
            response.setHeader("X-Dispatch-Subject", String.valueOf(request.getAttribute(AttributesController.SUBJECT)));
            String to = request.getParameter("dispatch-to");
            if (to != null) {
                response.setHeader("X-Dispatch-Downstream", downstream.withRestClient(to));
            }
        }
        chain.doFilter(request, response);
    }

    @Configuration
    static class Registration {
        @Bean
        FilterRegistrationBean<DispatchSubjectFilter> dispatchSubjectFilter(Downstream downstream) {
            FilterRegistrationBean<DispatchSubjectFilter> registration = new FilterRegistrationBean<>(new DispatchSubjectFilter(downstream));
            registration.addUrlPatterns("/attrs/*", "/secured/*", "/stack/*");
            registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
            return registration;
        }
    }
}
