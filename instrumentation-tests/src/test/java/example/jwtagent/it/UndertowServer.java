package example.jwtagent.it;

import io.undertow.Undertow;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ServletContainer;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.DispatcherType;

import java.net.InetSocketAddress;

/**
 * Embedded Undertow 2.3 (jakarta.servlet) running the same application as {@link TomcatJakartaServer}
 * (its servlet and filters), on one IO thread and a fixed number of XNIO worker threads, which run
 * the servlets and the {@code AsyncContext.start} tasks. The counting filter also runs on async
 * dispatches, so that a dispatch's outermost call is Undertow's filter chain, as for a request.
 */
public final class UndertowServer implements TestServer {
    private final DeploymentManager manager;
    private final Undertow undertow;
    private final int port;

    public UndertowServer(int workerThreads) throws Exception {
        this(relayDeployment(), workerThreads);
    }

    /** Any deployment of a test's own, started on one IO thread and {@code workerThreads} worker threads. */
    public UndertowServer(DeploymentInfo deployment, int workerThreads) throws Exception {
        // A container of its own: Servlets.defaultContainer() is one per JVM, and deployment names must differ in it.
        manager = ServletContainer.Factory.newInstance().addDeployment(deployment);
        manager.deploy();
        undertow = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setIoThreads(1)
                .setWorkerThreads(workerThreads)
                .setHandler(manager.start())
                .build();
        undertow.start();
        port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    private static DeploymentInfo relayDeployment() {
        return Servlets.deployment()
                .setClassLoader(UndertowServer.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("relay")
                .addServlet(Servlets.servlet("relay", TomcatJakartaServer.RelayServlet.class,
                                new ImmediateInstanceFactory<>(new TomcatJakartaServer.RelayServlet()))
                        .addMapping("/*").setAsyncSupported(true))
                // For /gate only, and ahead of the counting filter (see TomcatJakartaServer.GateFilter).
                .addFilter(Servlets.filter("gate", TomcatJakartaServer.GateFilter.class,
                        new ImmediateInstanceFactory<>(new TomcatJakartaServer.GateFilter())))
                .addFilterUrlMapping("gate", "/gate", DispatcherType.REQUEST)
                .addFilter(Servlets.filter("counting", TomcatJakartaServer.CountingFilter.class,
                        new ImmediateInstanceFactory<>(new TomcatJakartaServer.CountingFilter())).setAsyncSupported(true))
                .addFilterUrlMapping("counting", "/*", DispatcherType.REQUEST)
                .addFilterUrlMapping("counting", "/*", DispatcherType.ASYNC);
    }

    @Override
    public String baseUrl() {
        return "http://localhost:" + port;
    }

    @Override
    public void close() throws Exception {
        undertow.stop();
        manager.stop();
        manager.undeploy();
    }
}
