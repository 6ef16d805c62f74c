import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.GenericServlet;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ErrorPageErrorHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;

/**
 * Jetty 12 (ee10) with the agent, run by Jetty12ServerTest in a JVM of its own. args: scenario, alice's, bob's and carol's tokens.
 * Prints "SEEN <what> <uri> <dispatch> subject=<attribute> current=<subject of the token current>".
 */
public class Jetty12ServerChild {
    static volatile AsyncContext parked;
    /** Completed by carol's request; alice's request registers a stage on it that ends bob's waiting request. */
    static final CompletableFuture<Void> news = new CompletableFuture<>();

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        String alice = args[1];
        String bob = args[2];
        String carol = args[3];
        Server server = scenario.equals("virtual-pipelined") ? new Server(new VirtualThreadPool()) : new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        if (scenario.equals("ambiguous-uri")) {
            // A compliance mode that lets an encoded '/' through: the servlet API then refuses to give
            // the servlet path and path info (ServletHandler's decodeAmbiguousURIs is off by default).
            connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration().setUriCompliance(UriCompliance.LEGACY);
        }
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addEventListener(new ServletRequestListener() {
            @Override
            public void requestInitialized(ServletRequestEvent event) {
                HttpServletRequest request = (HttpServletRequest) event.getServletRequest();
                System.out.println("SEEN listener " + request.getRequestURI() + " " + request.getDispatcherType() + " current=" + current());
            }
        });
        ServletHolder holder = new ServletHolder(new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                String uri = request.getRequestURI();
                System.out.println("SEEN servlet " + uri + " " + request.getDispatcherType() + " subject=" + request.getAttribute("jwt.agent.subject") + " current=" + current());
                switch (uri) {
                    case "/park": {
                        AsyncContext async = request.startAsync();
                        async.setTimeout(0);
                        parked = async;
                        return;
                    }
                    case "/park-listening": {
                        AsyncContext async = request.startAsync();
                        async.setTimeout(0);
                        async.addListener(new AsyncListener() {
                            @Override
                            public void onComplete(AsyncEvent event) {
                                System.out.println("SEEN on-complete " + uri + " current=" + current());
                            }

                            @Override
                            public void onTimeout(AsyncEvent event) {
                            }

                            @Override
                            public void onError(AsyncEvent event) {
                            }

                            @Override
                            public void onStartAsync(AsyncEvent event) {
                            }
                        });
                        parked = async;
                        return;
                    }
                    case "/wake-completing": {
                        parked.complete(); // Jetty ends bob's request right here, his listener's onComplete with it
                        response.getWriter().print("woke");
                        return;
                    }
                    case "/wake": {
                        ((HttpServletResponse) parked.getResponse()).sendError(500, "boom");
                        parked.complete(); // Jetty runs bob's error dispatch right here, on this thread
                        response.getWriter().print("woke");
                        return;
                    }
                    case "/subscribe": {
                        // Alice's stage: it runs on whichever thread completes the future, with her token.
                        news.thenRun(() -> {
                            System.out.println("SEEN stage " + uri + " on " + Thread.currentThread().getName() + " current=" + current());
                            try {
                                ((HttpServletResponse) parked.getResponse()).sendError(500, "boom");
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                            parked.complete(); // Jetty runs bob's error dispatch right here, on carol's thread
                        });
                        response.getWriter().print("subscribed");
                        return;
                    }
                    case "/publish":
                    case "/public/publish": {
                        news.complete(null);
                        response.getWriter().print("published");
                        return;
                    }
                    case "/async": {
                        AsyncContext async = request.startAsync();
                        async.start(() -> {
                            try {
                                Thread.sleep(200);
                                async.getResponse().getWriter().print("async");
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            } finally {
                                async.complete();
                            }
                        });
                        return;
                    }
                    default:
                        response.getWriter().print("page");
                }
            }
        });
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        // Dispatches plain (not HTTP) wrappers of its request and response, to itself: not an HttpServlet, which would refuse them.
        ServletHolder plain = new ServletHolder(new GenericServlet() {
            @Override
            public void service(ServletRequest request, ServletResponse response) throws IOException {
                System.out.println("SEEN plain-servlet " + request.getDispatcherType() + " subject=" + request.getAttribute("jwt.agent.subject") + " current=" + current());
                if (request.getDispatcherType() == jakarta.servlet.DispatcherType.REQUEST) {
                    request.startAsync(new ServletRequestWrapper(request), new ServletResponseWrapper(response)).dispatch();
                } else {
                    response.getWriter().print("dispatched");
                }
            }
        });
        plain.setAsyncSupported(true);
        context.addServlet(plain, "/plain/*");
        ErrorPageErrorHandler errors = new ErrorPageErrorHandler();
        errors.addErrorPage(500, "/err");
        context.setErrorHandler(errors);
        // A core handler in front of the context, as a request log or a metrics handler is.
        server.setHandler(new Handler.Wrapper(context) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                System.out.println("SEEN core-handler " + request.getHttpURI().getPath() + " REQUEST current=" + current());
                return super.handle(request, response, callback);
            }
        });
        server.start();
        int port = connector.getLocalPort();
        try {
            if (scenario.equals("listener-complete")) {
                try (Socket bobs = new Socket("127.0.0.1", port)) {
                    bobs.setSoTimeout(4000);
                    bobs.getOutputStream().write(("GET /park-listening HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + bob + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    while (parked == null) {
                        Thread.sleep(10);
                    }
                    try (Socket alices = new Socket("127.0.0.1", port)) {
                        alices.setSoTimeout(4000);
                        alices.getOutputStream().write(("GET /wake-completing HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        readAll(alices);
                    }
                    readAll(bobs);
                }
            } else if (scenario.equals("inline-error")) {
                try (Socket bobs = new Socket("127.0.0.1", port)) {
                    bobs.setSoTimeout(4000);
                    bobs.getOutputStream().write(("GET /park HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + bob + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    while (parked == null) {
                        Thread.sleep(10);
                    }
                    try (Socket alices = new Socket("127.0.0.1", port)) {
                        alices.setSoTimeout(4000);
                        alices.getOutputStream().write(("GET /wake HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        readAll(alices);
                    }
                    readAll(bobs);
                }
            } else if (scenario.startsWith("inline-error-from-stage")) {
                // bob waits without a token; alice subscribes; carol, without a token or on an excluded
                // path (where her token is not taken), publishes, which runs alice's stage on her thread
                String publish = scenario.endsWith("excluded") ? "/public/publish" : "/publish";
                String carols = scenario.endsWith("excluded") ? "Authorization: Bearer " + carol + "\r\n" : "";
                try (Socket bobs = new Socket("127.0.0.1", port)) {
                    bobs.setSoTimeout(4000);
                    bobs.getOutputStream().write("GET /park HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    while (parked == null) {
                        Thread.sleep(10);
                    }
                    try (Socket alices = new Socket("127.0.0.1", port)) {
                        alices.setSoTimeout(4000);
                        alices.getOutputStream().write(("GET /subscribe HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        readAll(alices);
                    }
                    try (Socket carolsSocket = new Socket("127.0.0.1", port)) {
                        carolsSocket.setSoTimeout(4000);
                        carolsSocket.getOutputStream().write(("GET " + publish + " HTTP/1.1\r\nHost: x\r\n" + carols + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        readAll(carolsSocket);
                    }
                    readAll(bobs);
                }
            } else if (scenario.equals("ambiguous-uri")) {
                // alice's valid token, then a forged one on what would be an excluded path but for the encoding
                String forged = alice.substring(0, alice.lastIndexOf('.') + 1) + "AAAA";
                for (String[] each : new String[][]{{"/orders%2Fitems", alice}, {"/public%2Fx", forged}}) {
                    try (Socket socket = new Socket("127.0.0.1", port)) {
                        socket.setSoTimeout(4000);
                        socket.getOutputStream().write(("GET " + each[0] + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + each[1] + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        String answer = readAll(socket);
                        System.out.println("SEEN answer " + each[0] + " " + answer.substring(0, Math.max(0, answer.indexOf("\r\n"))));
                    }
                }
            } else if (scenario.equals("plain-wrappers")) {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setSoTimeout(4000);
                    socket.getOutputStream().write(("GET /plain/x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    String answer = readAll(socket);
                    System.out.println("SEEN answer /plain/x " + answer.substring(0, Math.max(0, answer.indexOf("\r\n"))));
                }
            } else if (scenario.equals("virtual-pipelined")) {
                // alice's async request, and two requests without a token pipelined behind it on her connection
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    socket.setSoTimeout(3000);
                    socket.getOutputStream().write(("GET /async HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice + "\r\n\r\n"
                            + "GET /next HTTP/1.1\r\nHost: x\r\n\r\n"
                            + "GET /next2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    readAll(socket);
                }
            }
        } finally {
            server.stop();
        }
        System.out.println("DONE");
    }

    static String current() {
        try {
            Object token = Class.forName("dev.jwtagent.bootstrap.TokenCarrier").getMethod("current").invoke(null);
            if (token == null) {
                return "none";
            }
            String value = (String) token.getClass().getMethod("value").invoke(token);
            String payload = new String(Base64.getUrlDecoder().decode(value.split("\\.")[1]), StandardCharsets.UTF_8);
            int at = payload.indexOf("\"sub\":\"") + 7;
            return payload.substring(at, payload.indexOf('"', at));
        } catch (ReflectiveOperationException e) {
            return "error " + e;
        }
    }

    static String readAll(Socket socket) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = socket.getInputStream().read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException ignored) {
            // what came is enough
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
