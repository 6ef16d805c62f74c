package example.jwtagent.it;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tomcat 11, an async request: while the application's worker thread reads the verified subject, the
 * request's thread replaces it with a value of its own. Tomcat's attribute map is a concurrent one, so
 * a reader of an attribute being replaced finds the old value or the new one, never none; the agent's
 * subject, kept beside that map until the application replaces it, must not go missing either.
 */
class TomcatAttributesWhileReplacedTest {

    @Test
    void aWorkerReadingTheSubjectWhileTheRequestReplacesItAlwaysFindsOne() throws Exception {
        try (OneContextTomcat tomcat = new OneContextTomcat("tomcat-replaced").servlet(new RacingServlet(), true)) {
            String base = tomcat.start();
            int missed = 0;
            for (int i = 0; i < 500; i++) {
                RawHttp.Response response = RawHttp.get(base, "/race", RawHttp.bearer(Tokens.valid("racer")));
                assertEquals(200, response.status, response.toString());
                missed += Integer.parseInt(response.body.trim());
            }
            assertEquals(0, missed, "reads of jwt.agent.subject that found none");
        }
    }

    static final class RacingServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            AsyncContext async = request.startAsync();
            AtomicBoolean replaced = new AtomicBoolean();
            AtomicInteger missed = new AtomicInteger();
            CountDownLatch reading = new CountDownLatch(1);
            Thread worker = new Thread(() -> {
                reading.countDown();
                while (!replaced.get()) {
                    if (request.getAttribute("jwt.agent.subject") == null) {
                        missed.incrementAndGet();
                    }
                }
                try {
                    async.getResponse().getOutputStream().write((missed.get() + "\n").getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                async.complete();
            });
            worker.start();
            try {
                reading.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            request.setAttribute("jwt.agent.subject", "replaced");
            replaced.set(true);
        }
    }
}
