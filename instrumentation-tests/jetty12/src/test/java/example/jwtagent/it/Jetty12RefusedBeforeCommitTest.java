package example.jwtagent.it;

import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RefusedBeforeCommitTest on Jetty 12 (ee10), with its servlet and check: the application buffers a
 * first part of its answer, drops the agent's claims and dispatches its own wrapper, whose header
 * is no token. The dispatch is decided anew and refused: the answer is the agent's 401 with its
 * JSON body alone, and the servlet is not called again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Jetty12RefusedBeforeCommitTest {
    private Server jetty;
    private String base;

    @BeforeAll
    void start() throws Exception {
        jetty = Jetty12Server.started(null, Jetty12Server.context("/", new RefusedBeforeCommitApp.JakartaServlet()));
        base = "http://localhost:" + Jetty12Server.portOf(jetty);
    }

    @AfterAll
    void stop() throws Exception {
        jetty.stop();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/stream", "/writer"})
    void aDispatchRefusedBeforeTheResponseIsCommittedAnswersWithTheJsonBodyAlone(String path) throws Exception {
        RefusedBeforeCommitApp.assertRefusedWithTheJsonBodyAlone(base, path);
    }
}
