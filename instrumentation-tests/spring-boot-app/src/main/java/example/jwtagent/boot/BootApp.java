package example.jwtagent.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.EnableAsync;

import java.io.IOException;

/**
 * An ordinary Spring Boot service: Spring MVC on the embedded Tomcat, calling a downstream service
 * with RestClient and the JDK HttpClient, also from an {@code @Async} method and from the task
 * executor Spring Boot configures. It knows nothing of the agent. Run by SpringBootJarTest as
 * {@code java -javaagent:... -jar spring-boot-app.jar --server.port=0}; prints {@code READY <port>}
 * once it serves, and ends when its standard input closes.
 */
@SpringBootApplication
@EnableAsync
@org.springframework.scheduling.annotation.EnableScheduling
public class BootApp {
    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(BootApp.class, args);
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // until the test closes our standard input
                }
            } catch (IOException ignored) {
                // closed
            }
            System.exit(SpringApplication.exit(context));
        }, "stdin-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    @EventListener
    public void ready(ApplicationReadyEvent event) {
        System.out.println("READY " + event.getApplicationContext().getEnvironment().getProperty("local.server.port"));
    }
}
