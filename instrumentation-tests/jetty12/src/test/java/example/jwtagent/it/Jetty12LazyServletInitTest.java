package example.jwtagent.it;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Collections;
import java.util.EnumSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A servlet without load-on-startup is initialized by Jetty 12 as the first request for it is
 * handled: its init(), the application's start-up code, runs inside that request's servlet call.
 * What init() does (a call to a configuration service, a refresh thread it starts) is no work of
 * that request's and must not carry its token.
 */
class Jetty12LazyServletInitTest {
    static volatile String calls;
    static volatile boolean initialized;

    @ParameterizedTest(name = "filter before it: {0}")
    @ValueSource(booleans = {false, true})
    void aServletsInitRunForTheFirstRequestCallsWithoutThatRequestsToken(boolean filter) throws Exception {
        initialized = false;
        try (Downstream downstream = new Downstream()) {
            calls = downstream.allowedUrl("/from-init");
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            // As web.xml declares a servlet: by class, no load-on-startup.
            context.addServlet(LazyServlet.class, "/*");
            if (filter) {
                context.addFilter(PassingFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
            }
            Server server = Jetty12Server.started(null, context);
            try {
                assertEquals(false, initialized, "the servlet is initialized by the first request for it, not at start");
                RawHttp.Response first = RawHttp.get("http://localhost:" + Jetty12Server.portOf(server), "/orders", RawHttp.bearer(Tokens.valid("alice")));
                assertEquals(200, first.status, first.toString());
                assertEquals("alice", first.body.trim(), "the request itself has alice's token");
                assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "the servlet's init(), run as alice's request came");
            } finally {
                server.stop();
            }
        }
    }

    public static final class PassingFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
            chain.doFilter(request, response);
        }
    }

    public static final class LazyServlet extends HttpServlet {
        @Override
        public void init(ServletConfig config) throws ServletException {
            super.init(config);
            initialized = true;
            // Start-up work: loads configuration from a service the application calls.
            JdkHeldExchanges.callFromACallback(calls);
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.getWriter().print(request.getAttribute("jwt.agent.subject"));
        }
    }
}
