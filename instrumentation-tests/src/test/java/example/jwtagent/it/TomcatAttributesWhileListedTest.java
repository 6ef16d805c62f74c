package example.jwtagent.it;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tomcat 11, an async request: while the application's worker thread reads the verified subject, the
 * request's thread lists the attributes (a logging filter, say). Tomcat's attribute map is a concurrent
 * one, so a reader never misses an attribute that is there; the agent's subject must not go missing either.
 */
class TomcatAttributesWhileListedTest {

    @Test
    void aWorkerReadingTheSubjectWhileTheRequestListsItAlwaysFindsIt() throws Exception {
        try (OneContextTomcat tomcat = new OneContextTomcat("tomcat-listed").servlet(new RacingServlet(), true)) {
            String base = tomcat.start();
            int missed = 0;
            for (int i = 0; i < 200; i++) {
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
            AtomicBoolean listed = new AtomicBoolean();
            AtomicInteger missed = new AtomicInteger();
            CountDownLatch reading = new CountDownLatch(1);
            Thread worker = new Thread(() -> {
                reading.countDown();
                while (!listed.get()) {
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
            Collections.list(request.getAttributeNames());
            listed.set(true);
        }
    }
}
