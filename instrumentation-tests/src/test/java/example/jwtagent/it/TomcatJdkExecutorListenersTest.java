package example.jwtagent.it;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tomcat 11 whose connector runs on a JDK {@code ThreadPoolExecutor}. Alice's async request registers
 * a non-blocking listener from a task that carries her token (not the request's thread), so Tomcat
 * hands the socket to its executor from there; the request pipelined behind hers on the same
 * connection (no token) is served inside that same socket task. Its request listener calls
 * downstream and must carry no token. And a listener alice's request registers on bob's waiting
 * response (a long poll) runs bob's {@code onWritePossible} on such a task: with no token, never hers.
 * Before, both called with alice's token.
 */
class TomcatJdkExecutorListenersTest {
    private static volatile String listenerCalls;
    private static volatile AsyncContext parked;

    @Test
    void aWriteListenerRegisteredFromAliceTaskLeavesThePipelinedRequestWithoutHerToken() throws Exception {
        assertEquals(List.of(), pipelinedListenerAuthorization("/write"));
    }

    @Test
    void aReadListenerRegisteredFromAliceTaskLeavesThePipelinedRequestWithoutHerToken() throws Exception {
        assertEquals(List.of(), pipelinedListenerAuthorization("/read"));
    }

    @Test
    void aCompleteFromAliceTaskLeavesThePipelinedRequestWithoutHerToken() throws Exception {
        assertEquals(List.of(), pipelinedListenerAuthorization("/complete"));
    }

    /**
     * Bob's async request waits (a long poll, no token); alice's request registers a WriteListener on
     * bob's response from her own thread. Bob's onWritePossible, run on the task Tomcat hands to its
     * executor, calls downstream: with no token, never alice's.
     */
    @Test
    void aWriteListenerAliceRegistersOnBobsWaitingResponseRunsWithoutHerToken() throws Exception {
        try (Downstream downstream = new Downstream()) {
            listenerCalls = downstream.allowedUrl("/from-bobs-write-listener");
            parked = null;
            ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
            Tomcat tomcat = start(pool);
            String base = "http://localhost:" + tomcat.getConnector().getLocalPort();
            try (Socket bobs = new Socket("127.0.0.1", tomcat.getConnector().getLocalPort())) {
                bobs.setSoTimeout(3000);
                bobs.getOutputStream().write("GET /park HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                long deadline = System.currentTimeMillis() + 5000;
                while (parked == null && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                }
                RawHttp.Response alices = RawHttp.get(base, "/wake-writing", RawHttp.bearer(Tokens.valid("alice")));
                assertEquals(200, alices.status, alices.toString());
                assertEquals(1, RawHttp.readUntilQuiet(bobs.getInputStream()).split("HTTP/1.1 200", -1).length - 1);
            } finally {
                tomcat.stop();
                tomcat.destroy();
                pool.shutdownNow();
            }
            assertEquals(List.of(), downstream.takeAuthorization(), "bob's onWritePossible");
        }
    }

    private static List<String> pipelinedListenerAuthorization(String path) throws Exception {
        try (Downstream downstream = new Downstream()) {
            listenerCalls = downstream.allowedUrl("/listener");
            ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
            Tomcat tomcat = start(pool);
            try (Socket socket = new Socket("127.0.0.1", tomcat.getConnector().getLocalPort())) {
                socket.setSoTimeout(3000);
                String body = path.equals("/read") ? "Content-Length: 2\r\n\r\nhi" : "\r\n";
                String async = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + Tokens.valid("alice")
                        + "\r\n" + body;
                String next = "GET /next HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
                socket.getOutputStream().write((async + next).getBytes(StandardCharsets.ISO_8859_1));
                String answers = RawHttp.readUntilQuiet(socket.getInputStream());
                assertEquals(2, answers.split("HTTP/1.1 200", -1).length - 1, answers);
            } finally {
                tomcat.stop();
                tomcat.destroy();
                pool.shutdownNow();
            }
            return downstream.takeAuthorization();
        }
    }

    private static Tomcat start(ThreadPoolExecutor pool) throws Exception {
        File dir = Files.createTempDirectory("tomcat-jdk-executor").toFile();
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(dir.getAbsolutePath());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.getProtocolHandler().setExecutor(pool);
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", dir.getAbsolutePath());
        context.addApplicationListener(CallingListener.class.getName());
        Tomcat.addServlet(context, "app", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                String uri = request.getRequestURI();
                if (uri.equals("/next")) {
                    response.getWriter().print("next");
                    return;
                }
                if (uri.equals("/park")) {
                    AsyncContext waiting = request.startAsync();
                    waiting.setTimeout(0);
                    parked = waiting;
                    return;
                }
                if (uri.equals("/wake-writing")) {
                    // Alice's request writes bob's answer through a WriteListener on his response.
                    AsyncContext bobs = parked;
                    ServletOutputStream out = bobs.getResponse().getOutputStream();
                    out.setWriteListener(new WriteListener() {
                        @Override
                        public void onWritePossible() throws IOException {
                            JdkHeldExchanges.callFromACallback(listenerCalls);
                            out.print("news");
                            bobs.complete();
                        }

                        @Override
                        public void onError(Throwable t) {
                            bobs.complete();
                        }
                    });
                    response.getWriter().print("woke");
                    return;
                }
                AsyncContext async = request.startAsync();
                // A task of the application's, which carries alice's token; not the request's thread.
                new Thread(() -> {
                    try {
                        Thread.sleep(200);
                        if (uri.equals("/write")) {
                            ServletOutputStream out = response.getOutputStream();
                            out.setWriteListener(new WriteListener() {
                                @Override
                                public void onWritePossible() throws IOException {
                                    out.print("async");
                                    async.complete();
                                }

                                @Override
                                public void onError(Throwable t) {
                                    async.complete();
                                }
                            });
                        } else if (uri.equals("/read")) {
                            ServletInputStream in = request.getInputStream();
                            in.setReadListener(new ReadListener() {
                                @Override
                                public void onDataAvailable() throws IOException {
                                    byte[] b = new byte[16];
                                    while (in.isReady() && in.read(b) >= 0) {
                                        // drain
                                    }
                                }

                                @Override
                                public void onAllDataRead() throws IOException {
                                    response.getWriter().print("read");
                                    async.complete();
                                }

                                @Override
                                public void onError(Throwable t) {
                                    async.complete();
                                }
                            });
                        } else {
                            response.getWriter().print("async");
                            async.complete();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).start();
            }
        }).setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "app");
        tomcat.start();
        return tomcat;
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
