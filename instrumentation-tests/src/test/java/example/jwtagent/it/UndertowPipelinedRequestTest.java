package example.jwtagent.it;

import io.undertow.Undertow;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.api.ListenerInfo;
import io.undertow.servlet.api.ServletContainer;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Undertow starts the request pipelined behind another on a connection from the thread that completes
 * the first one's response: a servlet that closes its writer or output stream completes it right
 * there, inside {@code service()}, while the request's token is current. Undertow then hands the next
 * request to the deployment's executor ({@code DeploymentInfo.setExecutor}) or to the XNIO worker's,
 * or, when the request is in async mode, runs it at once on the same thread. Alice's request does so here; the
 * request pipelined behind hers has no token, and its request listener, which runs before any
 * decision, calls downstream: it must send no token, whatever executor the server runs on (XNIO's
 * own, a JDK pool, virtual threads).
 */
class UndertowPipelinedRequestTest {
    private static volatile String listenerCalls;

    static Stream<String> executorsAndRoutes() {
        List<String> all = new ArrayList<>();
        for (String executor : List.of("xnio-default", "deployment-pool", "worker-pool", "worker-virtual-threads")) {
            for (String route : List.of("/closed", "/async-closed")) {
                all.add(executor + " " + route);
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executorsAndRoutes")
    void theRequestPipelinedBehindAlicesRunsItsListenerWithoutHerToken(String executorAndRoute) throws Exception {
        String executor = executorAndRoute.split(" ")[0];
        String route = executorAndRoute.split(" ")[1];
        assumeTrue(!executor.equals("worker-virtual-threads") || Runtime.version().feature() >= 21, "no virtual threads in this Java");
        try (Downstream downstream = new Downstream()) {
            listenerCalls = downstream.allowedUrl("/from-the-next-requests-listener");
            ExecutorService pool = executor.equals("worker-virtual-threads") ? Handoffs.newVirtualThreadPerTaskExecutor()
                    : new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
            XnioWorker worker = executor.startsWith("worker-")
                    ? Xnio.getInstance(Undertow.class.getClassLoader()).createWorkerBuilder()
                            .setWorkerIoThreads(1).setExternalExecutorService(pool).build()
                    : null;
            DeploymentManager manager = deploy(executor.equals("deployment-pool") ? pool : null);
            Undertow.Builder builder = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1).setWorkerThreads(4)
                    .setHandler(manager.start());
            if (worker != null) {
                builder.setWorker(worker);
            }
            Undertow undertow = builder.build();
            undertow.start();
            int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(3000);
                String alices = "GET " + route + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + Tokens.valid("alice") + "\r\n\r\n";
                String next = "GET /next HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
                // One write: Undertow reads both requests at once and keeps the second for when the first is complete.
                socket.getOutputStream().write((alices + next).getBytes(StandardCharsets.ISO_8859_1));
                String answers = RawHttp.readUntilQuiet(socket.getInputStream());
                assertEquals(2, answers.split("HTTP/1.1 200", -1).length - 1, answers);
            } finally {
                undertow.stop();
                manager.stop();
                manager.undeploy();
                if (worker != null) {
                    worker.shutdownNow();
                }
                pool.shutdownNow();
            }
            assertEquals(List.of(), downstream.takeAuthorization(), "the listener of the request pipelined behind alice's");
        }
    }

    private static DeploymentManager deploy(ExecutorService executor) throws Exception {
        DeploymentInfo deployment = Servlets.deployment()
                .setClassLoader(UndertowPipelinedRequestTest.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("pipelined")
                .addListener(new ListenerInfo(CallingListener.class, new ImmediateInstanceFactory<>(new CallingListener())))
                .addServlet(Servlets.servlet("app", AppServlet.class, new ImmediateInstanceFactory<>(new AppServlet()))
                        .addMapping("/*").setAsyncSupported(true));
        if (executor != null) {
            deployment.setExecutor(executor);
        }
        DeploymentManager manager = ServletContainer.Factory.newInstance().addDeployment(deployment);
        manager.deploy();
        return manager;
    }

    static final class AppServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            switch (request.getRequestURI()) {
                case "/next":
                    response.getWriter().print("next");
                    return;
                case "/closed":
                    // Closing the writer (try-with-resources) completes the response here, with alice's token
                    // current; her request's work goes on a moment after it.
                    try (PrintWriter writer = response.getWriter()) {
                        writer.print("closed");
                    }
                    pause();
                    return;
                default: {
                    // The same in async mode: Undertow then runs the next request right here, on this thread.
                    AsyncContext async = request.startAsync();
                    try (PrintWriter writer = response.getWriter()) {
                        writer.print("async-closed");
                    }
                    pause();
                    async.complete();
                }
            }
        }

        /** Alice's work goes on a moment after her response is complete, as most does. */
        private static void pause() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Calls downstream, without a header of its own, as the pipelined request begins. */
    public static final class CallingListener implements ServletRequestListener {
        @Override
        public void requestInitialized(ServletRequestEvent event) {
            if (((HttpServletRequest) event.getServletRequest()).getRequestURI().equals("/next")) {
                JdkHeldExchanges.callFromACallback(listenerCalls);
            }
        }
    }
}
