package example.jwtagent.it;

import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.GenericServlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Undertow's async dispatch of an application's own request wrapper, which hides the token header
 * ({@link AsyncDispatchOfAWrapperTest} on Tomcat), and of plain (not HTTP) wrappers
 * ({@link AsyncDispatchOfPlainWrappersTest}): the dispatch, run on another worker after the request's
 * call returned, reaches the servlet with the wrapper and keeps the request's decision and token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UndertowAsyncDispatchOfWrappersTest {
    private static volatile String calls;

    private Downstream downstream;
    private UndertowServer server;
    private String base;

    @BeforeAll
    void start() throws Exception {
        downstream = new Downstream();
        calls = downstream.allowedUrl("/after-dispatch");
        DeploymentInfo deployment = Servlets.deployment()
                .setClassLoader(UndertowAsyncDispatchOfWrappersTest.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("async-wrappers")
                .addFilter(Servlets.filter("wrapping", WrappingFilter.class, new ImmediateInstanceFactory<>(new WrappingFilter()))
                        .setAsyncSupported(true))
                .addFilterUrlMapping("wrapping", "/*", DispatcherType.REQUEST)
                .addServlet(Servlets.servlet("app", AppServlet.class, new ImmediateInstanceFactory<>(new AppServlet()))
                        .addMapping("/*").setAsyncSupported(true));
        server = new UndertowServer(deployment, 2);
        base = server.baseUrl();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        downstream.close();
    }

    @Test
    void theAsyncDispatchOfAWrapperThatHidesTheTokenKeepsTheRequestsToken() throws Exception {
        assertKeepsTheToken("/hiding");
    }

    @Test
    void theAsyncDispatchOfPlainWrappersKeepsTheRequestsToken() throws Exception {
        assertKeepsTheToken("/plain");
    }

    private void assertKeepsTheToken(String path) throws Exception {
        String alice = Tokens.valid("alice");
        RawHttp.Response response = RawHttp.get(base, path, RawHttp.bearer(alice));
        assertEquals(200, response.status, response.toString());
        assertEquals("ASYNC subject=alice", response.body);
        var arrived = downstream.poll(5000);
        assertNotNull(arrived, "the async dispatch called downstream");
        assertEquals("Bearer " + alice, arrived.getHeaders().get("Authorization"));

        RawHttp.Response without = RawHttp.get(base, path);
        assertEquals("ASYNC subject=null", without.body, without.toString());
        var none = downstream.poll(5000);
        assertNotNull(none, "the async dispatch called downstream");
        assertNull(none.getHeaders().get("Authorization"), "a request without a token");
    }

    /** Starts async with wrappers of the application's own and dispatches them. */
    static final class WrappingFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
            if (((HttpServletRequest) request).getRequestURI().equals("/plain")) {
                request.startAsync(new ServletRequestWrapper(request), new ServletResponseWrapper(response)).dispatch();
            } else {
                ServletRequest hiding = new AsyncDispatchOfAWrapperTest.CredentialsHidden((HttpServletRequest) request);
                request.startAsync(hiding, response).dispatch();
            }
        }
    }

    /** Not an HttpServlet: one would refuse the plain wrappers. */
    static final class AppServlet extends GenericServlet {
        @Override
        public void service(ServletRequest request, ServletResponse response) throws IOException {
            JdkHeldExchanges.callFromACallback(calls);
            response.getOutputStream().print(request.getDispatcherType() + " subject=" + request.getAttribute("jwt.agent.subject"));
        }
    }
}
