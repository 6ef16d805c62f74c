package example.jwtagent.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Main of a {@link ChildJvm} for {@link TomcatWarDeploymentTest}: a Tomcat 11 as a standalone one runs
 * web applications, each from an exploded WAR with its own web application class loader, deployed
 * and undeployed while it runs. The class path holds Tomcat and this module's test classes only, no
 * HTTP client library: those come from each WAR's {@code WEB-INF/lib}.
 *
 * <p>It prints {@code CONTROL <port>} and then {@code READY <port>} (Tomcat's). The control server,
 * outside Tomcat: {@code /deploy?path=/a&dir=...}, {@code /undeploy?path=/a} (stops and removes the
 * context, keeping only a weak reference to its class loader, then prints {@code UNDEPLOYED <path>}), {@code /collected?path=/a} (a few
 * {@code System.gc()} calls, then whether that loader was collected).
 */
public final class WarTomcatChild {
    private static final Map<String, WeakReference<ClassLoader>> UNDEPLOYED = new ConcurrentHashMap<>();

    private WarTomcatChild() {
    }

    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        File base = Files.createTempDirectory("war-tomcat").toFile();
        tomcat.setBaseDir(base.getAbsolutePath());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxThreads", "2");
        tomcat.setConnector(connector);
        // No default web.xml: its JSP servlet is not on this class path. Each WAR has its web.xml.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        tomcat.getHost().setAppBase(base.getAbsolutePath());
        // No background processing: it runs on Tomcat's utility thread with a context's loader as the
        // thread's context loader, and a context stopped from another thread meanwhile (the control
        // server's undeploy) reports that thread as one the application left running. A standalone
        // Tomcat undeploys on that same thread, so it never sees the race.
        tomcat.getEngine().setBackgroundProcessorDelay(-1);
        // As in a standalone Tomcat's server.xml: after a context stops, the workers are renewed.
        tomcat.getServer().addLifecycleListener(new org.apache.catalina.core.JreMemoryLeakPreventionListener());
        tomcat.getServer().addLifecycleListener(new org.apache.catalina.core.ThreadLocalLeakPreventionListener());
        tomcat.start();

        HttpServer control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        control.createContext("/deploy", exchange -> {
            Map<String, String> query = query(exchange);
            try {
                Context context = tomcat.addWebapp(query.get("path"), query.get("dir"));
                answer(exchange, 200, "state=" + context.getStateName() + "\n");
            } catch (RuntimeException e) {
                answer(exchange, 500, e + "\n");
            }
        });
        control.createContext("/undeploy", exchange -> {
            String path = query(exchange).get("path");
            try {
                Context context = (Context) tomcat.getHost().findChild(path);
                UNDEPLOYED.put(path, new WeakReference<>(context.getLoader().getClassLoader()));
                context.stop();
                tomcat.getHost().removeChild(context);
                // After what Tomcat logged as it stopped the context (standard error, flushed per record).
                System.out.println("UNDEPLOYED " + path);
                System.out.flush();
                answer(exchange, 200, "state=" + context.getStateName() + "\n");
            } catch (Exception e) {
                answer(exchange, 500, e + "\n");
            }
        });
        control.createContext("/collected", exchange -> {
            WeakReference<ClassLoader> loader = UNDEPLOYED.get(query(exchange).get("path"));
            for (int i = 0; i < 10 && loader.get() != null; i++) {
                System.gc();
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            answer(exchange, 200, "collected=" + (loader.get() == null) + "\n");
        });
        control.start();
        System.out.println("CONTROL " + control.getAddress().getPort());
        System.out.println(ChildJvm.READY + connector.getLocalPort());
        System.out.flush();
        System.in.readAllBytes();
        control.stop(0);
        tomcat.stop();
        tomcat.destroy();
        System.exit(0);
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> values = new LinkedHashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
