package example.jwtagent.it;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.ErrorPage;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;

/**
 * Main of a {@link ChildJvm}: Tomcat 11 with one worker thread (every request on the same thread),
 * a servlet that calls {@code url} with HttpURLConnection, forwards from {@code /public/forward} to
 * {@code /call}, times out an async request, and an error page that calls downstream too.
 */
public final class MonitorShortcutChild {
    private MonitorShortcutChild() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("jetty9")) {
            org.eclipse.jetty.util.thread.QueuedThreadPool pool = new org.eclipse.jetty.util.thread.QueuedThreadPool(4, 4);
            pool.setReservedThreads(0);
            org.eclipse.jetty.server.Server server = new org.eclipse.jetty.server.Server(pool);
            org.eclipse.jetty.server.ServerConnector connector = new org.eclipse.jetty.server.ServerConnector(server, 1, 1);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            org.eclipse.jetty.servlet.ServletContextHandler context = new org.eclipse.jetty.servlet.ServletContextHandler();
            context.setContextPath("/");
            org.eclipse.jetty.servlet.ServletHolder holder = new org.eclipse.jetty.servlet.ServletHolder(new JavaxApp());
            holder.setAsyncSupported(true);
            context.addServlet(holder, "/*");
            org.eclipse.jetty.servlet.ErrorPageErrorHandler errors = new org.eclipse.jetty.servlet.ErrorPageErrorHandler();
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
        if (args.length > 0 && args[0].equals("undertow")) {
            io.undertow.servlet.api.DeploymentInfo deployment = io.undertow.servlet.Servlets.deployment()
                    .setClassLoader(MonitorShortcutChild.class.getClassLoader())
                    .setContextPath("/")
                    .setDeploymentName("monitor")
                    .addServlet(io.undertow.servlet.Servlets.servlet("app", App.class,
                                    new io.undertow.servlet.util.ImmediateInstanceFactory<>(new App()))
                            .addMapping("/*").setAsyncSupported(true))
                    .addErrorPage(new io.undertow.servlet.api.ErrorPage("/error", 500));
            UndertowServer server = new UndertowServer(deployment, 1);
            System.out.println(ChildJvm.READY + java.net.URI.create(server.baseUrl()).getPort());
            System.out.flush();
            System.in.readAllBytes();
            server.close();
            System.exit(0);
        }
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat-monitor").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", "1");
        connector.setProperty("minSpareThreads", "1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "app", new App()).setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "app");
        ErrorPage error = new ErrorPage();
        error.setErrorCode(500);
        error.setLocation("/error");
        context.addErrorPage(error);
        tomcat.start();
        System.out.println(ChildJvm.READY + connector.getLocalPort());
        System.out.flush();
        System.in.readAllBytes();
        tomcat.stop();
        System.exit(0);
    }

    static final class App extends HttpServlet {
        static int call(String url) throws IOException {
            HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
            int status = connection.getResponseCode();
            connection.getInputStream().readAllBytes();
            connection.disconnect();
            return status;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String path = request.getPathInfo();
            String url = request.getParameter("url");
            try {
                if (path.equals("/public/forward")) {
                    request.getRequestDispatcher("/call").forward(request, response);
                    return;
                }
                if (path.equals("/public/include") && request.getDispatcherType() == jakarta.servlet.DispatcherType.REQUEST) {
                    request.getRequestDispatcher("/call").include(request, response);
                    return;
                }
                if (path.equals("/public/dispatch")) {
                    request.startAsync().dispatch("/call");
                    return;
                }
                if (path.equals("/fail") && request.getDispatcherType() == jakarta.servlet.DispatcherType.REQUEST) {
                    response.setStatus(500);
                    response.sendError(500);
                    return;
                }
                if (path.equals("/timeout")) {
                    AsyncContext async = request.startAsync();
                    async.setTimeout(300);
                    async.addListener(new AsyncListener() {
                        public void onComplete(AsyncEvent event) {
                        }

                        public void onTimeout(AsyncEvent event) throws IOException {
                            call(url);
                            event.getAsyncContext().getResponse().getWriter().println("timed out");
                            event.getAsyncContext().complete();
                        }

                        public void onError(AsyncEvent event) {
                        }

                        public void onStartAsync(AsyncEvent event) {
                        }
                    });
                    return;
                }
                if (path.equals("/dispatch") && request.getDispatcherType() == jakarta.servlet.DispatcherType.REQUEST) {
                    AsyncContext async = request.startAsync();
                    async.dispatch("/call");
                    return;
                }
                if (url != null) {
                    call(url);
                }
                response.setContentType("text/plain");
                response.getWriter().println("subject=" + request.getAttribute("jwt.agent.subject"));
            } catch (jakarta.servlet.ServletException e) {
                throw new IOException(e);
            }
        }
    }

    static final class JavaxApp extends javax.servlet.http.HttpServlet {
        @Override
        protected void service(javax.servlet.http.HttpServletRequest request, javax.servlet.http.HttpServletResponse response) throws IOException {
            String path = request.getPathInfo();
            String url = request.getParameter("url");
            try {
                if (path.equals("/public/forward")) {
                    request.getRequestDispatcher("/call").forward(request, response);
                    return;
                }
                if (path.equals("/public/include") && request.getDispatcherType() == javax.servlet.DispatcherType.REQUEST) {
                    request.getRequestDispatcher("/call").include(request, response);
                    return;
                }
                if (path.equals("/public/dispatch")) {
                    request.startAsync().dispatch("/call");
                    return;
                }
                if (path.equals("/fail") && request.getDispatcherType() == javax.servlet.DispatcherType.REQUEST) {
                    response.setStatus(500);
                    response.sendError(500);
                    return;
                }
                if (path.equals("/timeout")) {
                    javax.servlet.AsyncContext async = request.startAsync();
                    async.setTimeout(300);
                    async.addListener(new javax.servlet.AsyncListener() {
                        public void onComplete(javax.servlet.AsyncEvent event) {
                        }

                        public void onTimeout(javax.servlet.AsyncEvent event) throws IOException {
                            App.call(url);
                            event.getAsyncContext().getResponse().getWriter().println("timed out");
                            event.getAsyncContext().complete();
                        }

                        public void onError(javax.servlet.AsyncEvent event) {
                        }

                        public void onStartAsync(javax.servlet.AsyncEvent event) {
                        }
                    });
                    return;
                }
                if (path.equals("/dispatch") && request.getDispatcherType() == javax.servlet.DispatcherType.REQUEST) {
                    javax.servlet.AsyncContext async = request.startAsync();
                    async.dispatch("/call");
                    return;
                }
                if (url != null) {
                    App.call(url);
                }
                response.setContentType("text/plain");
                response.getWriter().println("subject=" + request.getAttribute("jwt.agent.subject"));
            } catch (javax.servlet.ServletException e) {
                throw new IOException(e);
            }
        }
    }
}
