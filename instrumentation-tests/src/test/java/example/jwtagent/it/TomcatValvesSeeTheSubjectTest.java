package example.jwtagent.it;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.AccessLogValve;
import org.apache.catalina.valves.ValveBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Tomcat's valves see of the agent's attributes once the request has been decided. On Tomcat the
 * agent keeps them in the request's protocol side, which Tomcat's {@code getAttribute} reads for any
 * name its own map lacks: an {@code AccessLogValve} pattern {@code %{jwt.agent.subject}r} logs the
 * verified subject, and a valve's own {@code getAttribute} finds it. The limit the README states: a
 * valve lists ({@code getAttributeNames}) only what has moved into Tomcat's own map, which happens
 * when the application lists, replaces or removes them.
 */
class TomcatValvesSeeTheSubjectTest {
    private static OneContextTomcat tomcat;
    private static String base;
    private static Path logs;
    private static final BlockingQueue<String> SEEN_BY_VALVE = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        logs = Files.createTempDirectory("valve-access-log");
        tomcat = new OneContextTomcat("valves-see-the-subject").servlet(new App(), false);
        AccessLogValve accessLog = new AccessLogValve();
        accessLog.setDirectory(logs.toString());
        accessLog.setPrefix("access");
        accessLog.setSuffix(".log");
        accessLog.setRotatable(false);
        accessLog.setBuffered(false);
        accessLog.setPattern("%U %{jwt.agent.subject}r");
        tomcat.context.getPipeline().addValve(accessLog);
        tomcat.context.getPipeline().addValve(new RecordingValve());
        base = tomcat.start();
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.close();
    }

    /** After the rest of the pipeline: what the request's subject is, and whether its names list it. */
    static final class RecordingValve extends ValveBase {
        RecordingValve() {
            super(false);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            getNext().invoke(request, response);
            List<String> names = Collections.list(request.getAttributeNames());
            SEEN_BY_VALVE.add(request.getRequestURI() + " subject=" + request.getAttribute("jwt.agent.subject")
                    + " listed=" + names.contains("jwt.agent.subject"));
        }
    }

    /** Answers; on {@code /list}, lists the request's attribute names first, as an application may. */
    static final class App extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            boolean listed = request.getRequestURI().equals("/list")
                    && Collections.list(request.getAttributeNames()).contains("jwt.agent.subject");
            response.getWriter().write("subject=" + request.getAttribute("jwt.agent.subject") + "\nlisted=" + listed + "\n");
        }
    }

    @Test
    void theAccessLogNamesTheVerifiedSubject() throws Exception {
        assertEquals(200, RawHttp.get(base, "/orders/1", RawHttp.bearer(Tokens.valid("alice"))).status);
        assertEquals(200, RawHttp.get(base, "/orders/2").status);
        Path log = logs.resolve("access.log");
        String expected = "/orders/1 alice\n/orders/2 -\n";
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String written = "";
        while (System.nanoTime() < end) {
            written = Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8) : "";
            if (written.contains(expected)) {
                break;
            }
            Thread.sleep(20);
        }
        assertTrue(written.contains(expected), "the access log:\n" + written);
    }

    @Test
    void aValveFindsTheSubjectAndListsItOnceTheApplicationHasListedIt() throws Exception {
        SEEN_BY_VALVE.clear();
        String alice = Tokens.valid("alice");
        RawHttp.Response unlisted = RawHttp.get(base, "/orders/1", RawHttp.bearer(alice));
        assertEquals("alice", unlisted.field("subject"), unlisted.toString());
        assertEquals("/orders/1 subject=alice listed=false", SEEN_BY_VALVE.poll(10, TimeUnit.SECONDS),
                "a valve's getAttribute finds the subject; its listing does not name it (the README's limit)");

        RawHttp.Response listed = RawHttp.get(base, "/list", RawHttp.bearer(alice));
        assertEquals("true", listed.field("listed"), listed.toString());
        assertEquals("/list subject=alice listed=true", SEEN_BY_VALVE.poll(10, TimeUnit.SECONDS),
                "once the application has listed them, the valve's listing names the subject too");

        RawHttp.Response none = RawHttp.get(base, "/orders/2");
        assertEquals("null", none.field("subject"), none.toString());
        assertEquals("/orders/2 subject=null listed=false", SEEN_BY_VALVE.poll(10, TimeUnit.SECONDS));
    }
}
