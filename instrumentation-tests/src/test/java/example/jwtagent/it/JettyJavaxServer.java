package example.jwtagent.it;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import javax.servlet.AsyncContext;
import javax.servlet.DispatcherType;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;

/** Embedded Jetty 9.4 (javax.servlet) with a small, fixed worker pool. */
public final class JettyJavaxServer implements TestServer {
    private final Server server;
    private final int port;

    public JettyJavaxServer(int workerThreads) throws Exception {
        // Jetty needs threads of its own (acceptor, selector) besides the workers. Workers start as
        // needed, some of them during requests (AsyncContext.start): they must not keep a token.
        QueuedThreadPool pool = new QueuedThreadPool(workerThreads + 3, 3);
        pool.setReservedThreads(0);
        server = new Server(pool);
        ServerConnector connector = loopbackConnector(server);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder relay = new ServletHolder(new RelayServlet());
        relay.setAsyncSupported(true);
        context.addServlet(relay, "/*");
        FilterHolder counting = new FilterHolder(new CountingFilter());
        counting.setAsyncSupported(true);
        context.addFilter(counting, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    /** A connector with one acceptor and one selector on a free loopback port, added to {@code server}. */
    static ServerConnector loopbackConnector(Server server) {
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        return connector;
    }

    @Override
    public String baseUrl() {
        return "http://localhost:" + port;
    }

    @Override
    public void close() throws Exception {
        server.stop();
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

    static final class CountingFilter implements Filter {
        @Override
        public void init(FilterConfig filterConfig) {
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
            RelayApp.FILTER_CALLS.incrementAndGet();
            chain.doFilter(request, response);
        }

        @Override
        public void destroy() {
        }
    }
}
