package example.bench.service;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * The service every arm of the whole-process benchmark runs: embedded Tomcat 11 with one servlet
 * that answers with the subject the agent found ({@code jwt.agent.subject}), or {@code anonymous}.
 * It knows nothing of any agent. Usage: {@code java -jar bench-service.jar <port>}.
 *
 * <p>With {@code -Dbench.extra-work-ns=N} the servlet first keeps busy for N nanoseconds (wall
 * time) on every request, without any agent: a calibration arm, which shows what the benchmark
 * makes of a service that is that much slower per request for a reason of its own.
 */
public final class SubjectService {
    private SubjectService() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("bench-service").toString());
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "subject", new SubjectServlet());
        context.addServletMappingDecoded("/*", "subject");
        tomcat.start();
        tomcat.getServer().await();
    }

    static final class SubjectServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static final long EXTRA_WORK_NANOS = Long.getLong("bench.extra-work-ns", 0L);

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (EXTRA_WORK_NANOS > 0) {
                spin(EXTRA_WORK_NANOS);
            }
            Object subject = request.getAttribute("jwt.agent.subject");
            byte[] body = ((subject == null ? "anonymous" : subject) + "\n").getBytes(StandardCharsets.UTF_8);
            response.setContentType("text/plain");
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }

        /** Busy for {@code nanos} of wall time on this thread (the service has its core to itself or shares it evenly). */
        private static void spin(long nanos) {
            long end = System.nanoTime() + nanos;
            while (System.nanoTime() - end < 0) {
                Thread.onSpinWait();
            }
        }
    }
}
