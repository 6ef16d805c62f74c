package example.jwtagent.it;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tomcat 11 with {@code useVirtualThreads}: a new virtual thread per request, started by whichever
 * thread hands over the connection. Alice's async request completes from a task that carries her
 * token; the next request pipelined on her connection (no token) starts on a thread made right
 * there. Its request listener calls downstream, and carries no token; before, alice's.
 */
class TomcatVirtualThreadsTest {
    private static volatile String listenerCalls;

    @Test
    void theRequestAfterAnAsyncCompleteOnTheSameConnectionStartsWithNoToken() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads");
        try (Downstream downstream = new Downstream()) {
            listenerCalls = downstream.allowedUrl("/listener");
            Tomcat tomcat = start();
            try (Socket socket = new Socket("127.0.0.1", tomcat.getConnector().getLocalPort())) {
                socket.setSoTimeout(3000);
                String async = "GET /async HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + Tokens.valid("alice") + "\r\n\r\n";
                String next = "GET /next HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
                socket.getOutputStream().write((async + next).getBytes(StandardCharsets.ISO_8859_1));
                readUntilClosed(socket.getInputStream());
            } finally {
                tomcat.stop();
                tomcat.destroy();
            }
            assertEquals(List.of(), downstream.takeAuthorization(), "the listener of the pipelined request");
        }
    }

    private static Tomcat start() throws Exception {
        File dir = Files.createTempDirectory("tomcat-virtual").toFile();
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(dir.getAbsolutePath());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("useVirtualThreads", "true");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", dir.getAbsolutePath());
        context.addApplicationListener(CallingListener.class.getName());
        Tomcat.addServlet(context, "app", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                if (request.getRequestURI().equals("/async")) {
                    AsyncContext async = request.startAsync();
                    async.start(() -> {
                        try {
                            Thread.sleep(200);
                            response.getWriter().print("async");
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        } finally {
                            async.complete();
                        }
                    });
                } else {
                    response.getWriter().print("next");
                }
            }
        }).setAsyncSupported(true);
        context.addServletMappingDecoded("/*", "app");
        tomcat.start();
        return tomcat;
    }

    private static void readUntilClosed(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        try {
            while (in.read(buffer) > 0) {
                // both answers
            }
        } catch (SocketTimeoutException ignored) {
            // the connection stays open: the answers are in by then
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
