package example.jwtagent.it;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Servlet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.ExecutorThreadPool;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ThreadPool;

import java.util.EnumSet;

/**
 * Embedded Jetty 12 (ee10, jakarta.servlet) running the same application as {@link TomcatJakartaServer}
 * (its servlet and filters) on a small, fixed worker pool. The counting filter also runs on async
 * dispatches, so that a dispatch's outermost call is Jetty's filter chain, as for a request.
 */
public final class Jetty12Server implements TestServer {
    private final Server server;
    private final int port;

    public Jetty12Server(int workerThreads) throws Exception {
        this(workerThreads, false);
    }

    /**
     * {@code jdkPool}: Jetty's ExecutorThreadPool, a JDK ThreadPoolExecutor, instead of its
     * QueuedThreadPool: the agent carries tokens through that one, so whatever Jetty hands it from a
     * request's thread carries that request's token.
     */
    public Jetty12Server(int workerThreads, boolean jdkPool) throws Exception {
        // Jetty needs threads of its own (acceptor, selector) besides the workers. Workers start as
        // needed, some of them during requests (AsyncContext.start): they must not keep a token.
        ThreadPool pool;
        if (jdkPool) {
            ExecutorThreadPool executor = new ExecutorThreadPool(workerThreads + 3, 3);
            executor.setReservedThreads(0);
            pool = executor;
        } else {
            QueuedThreadPool queued = new QueuedThreadPool(workerThreads + 3, 3);
            queued.setReservedThreads(0);
            pool = queued;
        }
        ServletContextHandler context = context("/", new TomcatJakartaServer.RelayServlet());
        // For /gate only, and ahead of the counting filter (see TomcatJakartaServer.GateFilter).
        context.addFilter(new FilterHolder(new TomcatJakartaServer.GateFilter()), "/gate", EnumSet.of(DispatcherType.REQUEST));
        FilterHolder counting = new FilterHolder(new TomcatJakartaServer.CountingFilter());
        counting.setAsyncSupported(true);
        context.addFilter(counting, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        server = started(pool, context);
        port = portOf(server);
    }

    /** A context at {@code path} with {@code servlet}, async supported, for every path under it. */
    static ServletContextHandler context(String path, Servlet servlet) {
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath(path);
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        return context;
    }

    /** A Jetty 12 server on 127.0.0.1 (any free port) with {@code handler}, started on {@code pool}, or Jetty's own when null. */
    static Server started(ThreadPool pool, Handler handler) throws Exception {
        return started(pool, handler, new HttpConnectionFactory());
    }

    /** {@link #started(ThreadPool, Handler)}, speaking {@code protocol} (HTTP/1.1 there). */
    static Server started(ThreadPool pool, Handler handler, ConnectionFactory protocol) throws Exception {
        Server server = pool == null ? new Server() : new Server(pool);
        ServerConnector connector = new ServerConnector(server, 1, 1, protocol);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(handler);
        server.start();
        return server;
    }

    /** The port a server from {@link #started} listens on. */
    static int portOf(Server server) {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    @Override
    public String baseUrl() {
        return "http://localhost:" + port;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
