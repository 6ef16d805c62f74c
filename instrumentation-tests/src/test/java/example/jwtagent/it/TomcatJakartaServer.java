package example.jwtagent.it;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** Embedded Tomcat 11 (jakarta.servlet) with a small, fixed worker pool. */
public final class TomcatJakartaServer implements TestServer {
    private final Tomcat tomcat;
    private final int port;

    public TomcatJakartaServer(int workerThreads) throws Exception {
        this(workerThreads, false);
    }

    /** @param virtualThreads each request on a virtual thread of its own ({@code useVirtualThreads}, Java 21+) */
    public TomcatJakartaServer(int workerThreads, boolean virtualThreads) throws Exception {
        File base = Files.createTempDirectory("tomcat-it").toFile();
        tomcat = new Tomcat();
        tomcat.setBaseDir(base.getAbsolutePath());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", String.valueOf(workerThreads));
        // Workers start as needed, some of them during requests (AsyncContext.start): they must not keep a token.
        connector.setProperty("minSpareThreads", "1");
        if (virtualThreads) {
            connector.setProperty("useVirtualThreads", "true");
        }
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.getAbsolutePath());
        Tomcat.addServlet(context, "relay", new RelayServlet()).setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "relay");
        // For /gate only, and ahead of the counting filter: a filter whose doFilter comes from a super class that is no filter.
        FilterDef gate = new FilterDef();
        gate.setFilterName("gate");
        gate.setFilter(new GateFilter());
        context.addFilterDef(gate);
        FilterMap gateMap = new FilterMap();
        gateMap.setFilterName("gate");
        gateMap.addURLPattern("/gate");
        context.addFilterMap(gateMap);
        FilterDef filter = new FilterDef();
        filter.setFilterName("counting");
        filter.setFilter(new CountingFilter());
        filter.setAsyncSupported("true");
        context.addFilterDef(filter);
        FilterMap map = new FilterMap();
        map.setFilterName("counting");
        map.addURLPattern("/*");
        context.addFilterMap(map);
        tomcat.start();
        port = connector.getLocalPort();
    }

    @Override
    public String baseUrl() {
        return "http://localhost:" + port;
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }

    static final class RelayServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
            switch (RelayApp.route(path)) {
                case ASYNC_START: {
                    AsyncContext async = request.startAsync();
                    async.start(() -> {
                        try {
                            write(response, RelayApp.handle(RelayApp.CALL_PATH, request::getParameter, request::getAttribute));
                        } finally {
                            async.complete();
                        }
                    });
                    break;
                }
                case ASYNC_AFTER_RESPONSE: {
                    Runnable call = RelayApp.callAfterResponse(request::getParameter);
                    AsyncContext async = request.startAsync();
                    async.start(() -> {
                        try {
                            write(response, RelayApp.accepted());
                        } finally {
                            async.complete();
                        }
                        call.run();
                    });
                    break;
                }
                case ASYNC_DISPATCH:
                    request.startAsync().dispatch(RelayApp.CALL_PATH);
                    break;
                default:
                    write(response, RelayApp.handle(path, request::getParameter, request::getAttribute));
            }
        }

        private static void write(HttpServletResponse response, RelayApp.Answer answer) {
            try {
                response.setStatus(answer.status);
                response.setContentType("text/plain");
                response.getOutputStream().write(answer.body.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * The application's filter. It declares no {@code doFilter} of its own but inherits it from an
     * interface's default method, which the agent must rewrite too: otherwise the filter would run
     * before the request is decided (the Jetty server's filter declares its own).
     */
    static final class CountingFilter implements CountingByDefault {
    }

    /**
     * Answers {@code /gate} itself, never calling the chain, with the subject the agent found. Its
     * {@code doFilter} comes from a super class that is no filter, which the agent must rewrite too:
     * otherwise it would answer a request whose token was never checked.
     */
    static final class GateFilter extends Gate implements Filter {
    }

    /** Not a filter: a class an application's filters may extend. */
    static class Gate {
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().print("gate:" + request.getAttribute("jwt.agent.subject"));
        }
    }

    /** A filter's behaviour as an application may share it among its filters. */
    interface CountingByDefault extends Filter {
        @Override
        default void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
            RelayApp.FILTER_CALLS.incrementAndGet();
            chain.doFilter(request, response);
        }
    }
}
