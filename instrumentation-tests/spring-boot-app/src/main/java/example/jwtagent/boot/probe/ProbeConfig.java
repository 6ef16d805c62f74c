package example.jwtagent.boot.probe;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What services commonly add around their handlers: a {@code OncePerRequestFilter} bean and a
 * {@code HandlerInterceptor}, each counting the {@code /probe/} requests it sees.
 */
@Configuration
public class ProbeConfig implements WebMvcConfigurer {
    public static final AtomicInteger FILTER = new AtomicInteger();
    public static final AtomicInteger INTERCEPTOR = new AtomicInteger();
    public static final AtomicInteger ADVICE = new AtomicInteger();

    @Bean
    OncePerRequestFilter probeFilter() {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                if (request.getRequestURI().contains("/probe/")) {
                    FILTER.incrementAndGet();
                }
                chain.doFilter(request, response);
            }
        };
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                INTERCEPTOR.incrementAndGet();
                return true;
            }
        }).addPathPatterns("/probe/**");
    }
}
