package example.jwtagent.it;

import com.auth0.jwt.JWT;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * An application that ships its own java-jwt 3.x, Jackson 2.13, SLF4J 1.7 with Logback and Byte
 * Buddy 1.14, run by {@link OwnLibrariesTest} in a JVM of its own with the agent. Its one servlet
 * decodes the token with its own java-jwt, logs through its own Logback, and reports where each
 * library came from. SLF4J, Jackson and Byte Buddy are reached reflectively only because the test
 * sources are compiled without them.
 */
public final class OwnLibrariesApp {
    private OwnLibrariesApp() {
    }

    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("own-libs").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "whoami", new WhoAmI());
        context.addServletMappingDecoded("/*", "whoami");
        tomcat.start();
        System.out.println("READY " + connector.getLocalPort());
        tomcat.getServer().await();
    }

    static final class WhoAmI extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            StringBuilder body = new StringBuilder();
            String header = request.getHeader("Authorization");
            body.append("agent-subject=").append(request.getAttribute("jwt.agent.subject")).append('\n');
            body.append("own-subject=").append(header == null ? null : JWT.decode(header.substring(7)).getSubject()).append('\n');
            body.append("java-jwt=").append(origin(JWT.class)).append('\n');
            try {
                Class<?> loggerFactory = Class.forName("org.slf4j.LoggerFactory");
                Object logger = loggerFactory.getMethod("getLogger", String.class).invoke(null, "own-app");
                logger.getClass().getMethod("info", String.class).invoke(logger, "handled request");
                body.append("slf4j-binding=").append(loggerFactory.getMethod("getILoggerFactory").invoke(null).getClass().getName()).append('\n');
                body.append("slf4j=").append(origin(loggerFactory)).append('\n');
                Class<?> objectMapper = Class.forName("com.fasterxml.jackson.databind.ObjectMapper");
                Object mapper = objectMapper.getConstructor().newInstance();
                body.append("jackson=").append(objectMapper.getMethod("version").invoke(mapper)).append('\n');
                Class<?> byteBuddy = Class.forName("net.bytebuddy.ByteBuddy");
                Method subclass = byteBuddy.getMethod("subclass", Class.class);
                Object builder = subclass.invoke(byteBuddy.getConstructor().newInstance(), Object.class);
                Object unloaded = builder.getClass().getMethod("make").invoke(builder);
                body.append("byte-buddy=").append(origin(byteBuddy)).append(" made ")
                        .append(unloaded.getClass().getMethod("getTypeDescription").invoke(unloaded)).append('\n');
            } catch (ReflectiveOperationException e) {
                body.append("error=").append(e).append('\n');
            }
            response.setContentType("text/plain");
            response.getOutputStream().write(body.toString().getBytes(StandardCharsets.UTF_8));
        }

        private static String origin(Class<?> type) {
            return type.getProtectionDomain().getCodeSource().getLocation().getPath().replaceAll(".*/", "");
        }
    }
}
