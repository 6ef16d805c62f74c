package example.jwtagent.it;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

import javax.servlet.http.HttpServlet;
import java.util.function.Consumer;

/** A Jetty 9.4 server of a test's own on a loopback port, with one servlet that may go async. */
final class LoopbackJetty {
    private LoopbackJetty() {
    }

    /**
     * Starts {@code server} with {@code servlet} at {@code /*} of the root context, after
     * {@code configure} has added what the test needs to the context; returns its connector.
     */
    static ServerConnector start(Server server, HttpServlet servlet, Consumer<ServletContextHandler> configure) throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        configure.accept(context);
        server.setHandler(context);
        server.start();
        return connector;
    }
}
