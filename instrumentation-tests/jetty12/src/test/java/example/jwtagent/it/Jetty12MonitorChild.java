package example.jwtagent.it;

import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Main of a {@link ChildJvm}: Jetty 12 ee10 running {@link MonitorShortcutChild}'s servlet, with /error for 500. */
public final class Jetty12MonitorChild {
    private Jetty12MonitorChild() {
    }

    public static void main(String[] args) throws Exception {
        QueuedThreadPool pool = new QueuedThreadPool(4, 4);
        pool.setReservedThreads(0);
        Server server = new Server(pool);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder(new MonitorShortcutChild.App());
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
        errors.addErrorPage(500, "/error");
        context.setErrorHandler(errors);
        server.setHandler(context);
        server.start();
        System.out.println(ChildJvm.READY + connector.getLocalPort());
        System.out.flush();
        System.in.readAllBytes();
        server.stop();
        System.exit(0);
    }
}
