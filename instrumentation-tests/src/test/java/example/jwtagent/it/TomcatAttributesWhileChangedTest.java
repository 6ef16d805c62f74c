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
 * Tomcat 11, async requests: while the application's worker thread reads the verified subject, the
 * request's thread lists the attributes (a logging filter, say) or replaces the subject with a value of
 * its own. Tomcat's attribute map is a concurrent one, so a reader finds an attribute that is there,
 * and the old value or the new one of an attribute being replaced, never none; the agent's subject,
 * kept beside that map, must not go missing either.
 */
class TomcatAttributesWhileChangedTest {

    @Test
    void aWorkerReadingTheSubjectWhileTheRequestListsItAlwaysFindsIt() throws Exception {
        assertEquals(0, missedReads("/list", 200), "reads of jwt.agent.subject that found none");
    }

    @Test
    void aWorkerReadingTheSubjectWhileTheRequestReplacesItAlwaysFindsOne() throws Exception {
        assertEquals(0, missedReads("/replace", 500), "reads of jwt.agent.subject that found none");
    }

    /** Sends {@code requests} requests with a token to {@code path}; the reads that found no subject, over all of them. */
    private static int missedReads(String path, int requests) throws Exception {
        try (OneContextTomcat tomcat = new OneContextTomcat("tomcat-changed").servlet(new RacingServlet(), true)) {
            String base = tomcat.start();
            int missed = 0;
            for (int i = 0; i < requests; i++) {
                RawHttp.Response response = RawHttp.get(base, path, RawHttp.bearer(Tokens.valid("racer")));
                assertEquals(200, response.status, response.toString());
                missed += Integer.parseInt(response.body.trim());
            }
            return missed;
        }
    }

    /** A worker reads the subject until the request's thread has listed the attributes ({@code /list}) or replaced it. */
    static final class RacingServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            AsyncContext async = request.startAsync();
            AtomicBoolean changed = new AtomicBoolean();
            AtomicInteger missed = new AtomicInteger();
            CountDownLatch reading = new CountDownLatch(1);
            Thread worker = new Thread(() -> {
                reading.countDown();
                while (!changed.get()) {
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
            if (request.getRequestURI().equals("/list")) {
                Collections.list(request.getAttributeNames());
            } else {
                request.setAttribute("jwt.agent.subject", "replaced");
            }
            changed.set(true);
        }
    }
}
