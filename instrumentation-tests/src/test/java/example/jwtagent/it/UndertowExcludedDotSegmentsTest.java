package example.jwtagent.it;

import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Undertow routes a request as sent: it does not resolve dot segments, so {@code /public/../orders}
 * reaches the servlet with {@code ..} in its path, and the URI as sent is that path. The test JVM
 * excludes {@code /public/**}: such a path, which an application that normalises the path it routes
 * on (or a handler that resolves it, as a file or a proxy does) reads as {@code /orders}, must not
 * be exempt from the decision. Each servlet answers with the path it was given and the subject.
 */
class UndertowExcludedDotSegmentsTest {
    private static UndertowServer server;

    static final class PathServlet extends HttpServlet {
        private final String name;

        PathServlet(String name) {
            this.name = name;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setContentType("text/plain");
            response.getWriter().write("servlet=" + name + "\nservletPath=" + request.getServletPath() + "\npathInfo=" + request.getPathInfo()
                    + "\nuri=" + request.getRequestURI() + "\nsubject=" + request.getAttribute("jwt.agent.subject") + "\n");
        }
    }

    @BeforeAll
    static void start() throws Exception {
        DeploymentInfo deployment = Servlets.deployment()
                .setClassLoader(UndertowExcludedDotSegmentsTest.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("dot-segments")
                .addServlet(Servlets.servlet("public", PathServlet.class, new ImmediateInstanceFactory<>(new PathServlet("public")))
                        .addMapping("/public/*"))
                .addServlet(Servlets.servlet("orders", PathServlet.class, new ImmediateInstanceFactory<>(new PathServlet("orders")))
                        .addMapping("/orders/*"))
                .addServlet(Servlets.servlet("default", PathServlet.class, new ImmediateInstanceFactory<>(new PathServlet("default")))
                        .addMapping("/"));
        server = new UndertowServer(deployment, 1);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String forged() {
        String[] parts = Tokens.valid("mallory").split("\\.");
        return parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
    }

    @Test
    void aPathWithDotSegmentsIsNotExemptedByAnExcludedPrefix() throws Exception {
        StringBuilder seen = new StringBuilder();
        for (String path : new String[] {"/public/../orders/1", "/public/x/..;/../orders/1", "/public//../orders/1", "/public/..%2Forders/1",
            "/public/..", "/public/./x", "/public/x/../../orders/1"}) {
            RawHttp.Response response = RawHttp.get(server.baseUrl(), path, RawHttp.bearer(forged()));
            seen.append(path).append(" -> ").append(response.status).append(' ').append(response.body.replace('\n', ' ')).append('\n');
        }
        System.out.println("UNDERTOW DOTS\n" + seen);
        for (String line : seen.toString().split("\n")) {
            assertNotEquals(200, Integer.parseInt(line.split(" -> ")[1].substring(0, 3)), "a forged token reached the application: " + line
                    + "\n" + seen);
        }
        RawHttp.Response plain = RawHttp.get(server.baseUrl(), "/public/docs", RawHttp.bearer(forged()));
        assertEquals(200, plain.status, plain.toString());
    }
}
