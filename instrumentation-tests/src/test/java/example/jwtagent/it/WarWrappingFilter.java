package example.jwtagent.it;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.IOException;

/**
 * A filter of the web applications {@link TomcatWarDeploymentTest} deploys: it hands the rest of the
 * chain a request and a response wrapped in classes of the application's own (its anonymous
 * subclasses), as many applications' filters do.
 */
public class WarWrappingFilter extends HttpFilter {
    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        chain.doFilter(new HttpServletRequestWrapper(request) {
        }, new HttpServletResponseWrapper(response) {
        });
    }
}
