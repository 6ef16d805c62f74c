package example.jwtagent.it;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

/**
 * The application writes a first part of its answer into the response buffer (not flushed, so not
 * committed), drops the agent's claims and dispatches its own request wrapper, which shows a header
 * that is no token: the dispatch is decided anew and refused. The answer is the agent's 401 with its
 * JSON body alone, and the servlet is not called again. Before, the application's buffered output
 * went out as the 401's body (Tomcat 11: cut to the JSON's Content-Length, under
 * {@code application/json}; Jetty 9.4: an internal fault, 401 "internal error"), and with the
 * application's writer in use no JSON body could be written at all.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RefusedBeforeCommitTest {
    private OneContextTomcat tomcat;
    private String tomcatBase;
    private Server jetty;
    private String jettyBase;

    @BeforeAll
    void start() throws Exception {
        tomcat = new OneContextTomcat("refused-before-commit").servlet(new RefusedBeforeCommitApp.JakartaServlet(), true);
        tomcatBase = tomcat.start();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        ServletHolder holder = new ServletHolder(new RefusedBeforeCommitApp.JavaxServlet());
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        jetty.setHandler(context);
        jetty.start();
        jettyBase = "http://localhost:" + connector.getLocalPort();
    }

    @AfterAll
    void stop() throws Exception {
        tomcat.close();
        jetty.stop();
    }

    Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("Tomcat 11", "/stream"), Arguments.of("Tomcat 11", "/writer"),
                Arguments.of("Jetty 9.4", "/stream"), Arguments.of("Jetty 9.4", "/writer"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void aDispatchRefusedBeforeTheResponseIsCommittedAnswersWithTheJsonBodyAlone(String server, String path) throws Exception {
        RefusedBeforeCommitApp.assertRefusedWithTheJsonBodyAlone(server.startsWith("Tomcat") ? tomcatBase : jettyBase, path);
    }
}
