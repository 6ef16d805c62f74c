package example.jwtagent.it;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Collections;
import java.util.TreeSet;

/**
 * Main of a {@link ChildJvm} whose class path has Tomcat 9 (javax) instead of this module's Tomcat
 * 11: one servlet answering with the subject the agent found and whether Tomcat has decoded the
 * {@code Authorization} header into a String for anyone, served by a single worker thread, so that
 * every request comes after the previous one on the same thread. On {@code /attributes} it answers
 * with the agent's attributes it lists, before and after removing the subject. Tomcat's own API is called by
 * reflection: this module compiles against Tomcat 11, whose classes have the same names.
 */
public final class Tomcat9Child {
    private Tomcat9Child() {
    }

    public static void main(String[] args) throws Exception {
        Class<?> tomcatClass = Class.forName("org.apache.catalina.startup.Tomcat");
        Class<?> connectorClass = Class.forName("org.apache.catalina.connector.Connector");
        Class<?> contextClass = Class.forName("org.apache.catalina.Context");
        Object tomcat = tomcatClass.getConstructor().newInstance();
        tomcatClass.getMethod("setBaseDir", String.class).invoke(tomcat, Files.createTempDirectory("tomcat9").toString());
        Object connector = connectorClass.getConstructor().newInstance();
        connectorClass.getMethod("setPort", int.class).invoke(connector, 0);
        Method setProperty = connectorClass.getMethod("setProperty", String.class, String.class);
        setProperty.invoke(connector, "address", "127.0.0.1");
        setProperty.invoke(connector, "minSpareThreads", "1");
        setProperty.invoke(connector, "maxThreads", "1");
        tomcatClass.getMethod("setConnector", connectorClass).invoke(tomcat, connector);
        Object context = tomcatClass.getMethod("addContext", String.class, String.class).invoke(tomcat, "", null);
        tomcatClass.getMethod("addServlet", contextClass, String.class, Servlet.class).invoke(null, context, "subject", new SubjectServlet());
        contextClass.getMethod("addServletMappingDecoded", String.class, String.class).invoke(context, "/*", "subject");
        tomcatClass.getMethod("start").invoke(tomcat);
        System.out.println(ChildJvm.READY + connectorClass.getMethod("getLocalPort").invoke(connector));
        System.out.flush();
        System.in.readAllBytes();
        tomcatClass.getMethod("stop").invoke(tomcat);
        System.exit(0);
    }

    static final class SubjectServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            Object subject = request.getAttribute("jwt.agent.subject");
            String answer = (subject == null ? "anonymous" : subject) + " decoded=" + headerDecoded(request);
            if (request.getRequestURI().equals("/attributes")) {
                // What an application sees of the agent's attributes when it lists them and removes one.
                answer = "subject=" + subject + " names=" + agentNames(request);
                request.removeAttribute("jwt.agent.subject");
                answer += " after removal: subject=" + request.getAttribute("jwt.agent.subject") + " names=" + agentNames(request);
            }
            byte[] body = (answer + "\n").getBytes(StandardCharsets.UTF_8);
            response.setContentType("text/plain");
            response.getOutputStream().write(body);
        }

        private static TreeSet<String> agentNames(HttpServletRequest request) {
            TreeSet<String> names = new TreeSet<>();
            for (String name : Collections.list(request.getAttributeNames())) {
                if (name.startsWith("jwt.agent.")) {
                    names.add(name);
                }
            }
            return names;
        }

        /** Whether Tomcat holds the Authorization header's value as a decoded String (its MessageBytes.strValue). */
        private static String headerDecoded(HttpServletRequest facade) {
            try {
                Field connectorRequest = facade.getClass().getDeclaredField("request");
                connectorRequest.setAccessible(true);
                Object connector = connectorRequest.get(facade);
                Object coyote = connector.getClass().getMethod("getCoyoteRequest").invoke(connector);
                Object headers = coyote.getClass().getMethod("getMimeHeaders").invoke(coyote);
                Object value = headers.getClass().getMethod("getValue", String.class).invoke(headers, "authorization");
                Field decoded = value.getClass().getDeclaredField("strValue");
                decoded.setAccessible(true);
                return String.valueOf(decoded.get(value) != null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return e.toString();
            }
        }
    }
}
