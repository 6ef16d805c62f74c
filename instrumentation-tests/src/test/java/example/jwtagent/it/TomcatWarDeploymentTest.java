package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Web applications deployed as WARs in a Tomcat 11 run as a standalone one runs them: the servlet in
 * {@code WEB-INF/classes} and the HTTP clients (OkHttp 4, Apache HttpClient 5) in {@code WEB-INF/lib},
 * all loaded by Tomcat's web application class loader (which looks in the WAR before its parent), not
 * by the application class loader as in every other Tomcat test. Each WAR is an exploded directory
 * built here and deployed with {@code Tomcat.addWebapp} in a child JVM started with the agent jar
 * ({@link WarTomcatChild}); the child's class path holds Tomcat and no HTTP client library.
 */
class TomcatWarDeploymentTest {
    private static final String WEBAPP_LOADER = "org.apache.catalina.loader.ParallelWebappClassLoader";

    private static ChildJvm child;
    private static int controlPort;
    private static Downstream downstream;

    @BeforeAll
    static void start() throws Exception {
        List<Path> classPath = new ArrayList<>();
        for (Path jar : ChildJvm.libs("okhttp4")) {
            if (jar.getFileName().toString().startsWith("tomcat-")) {
                classPath.add(jar);
            }
        }
        classPath.add(ChildJvm.testClasses());
        // The openings Tomcat's catalina.sh gives a standalone Tomcat, for its leak detection.
        child = ChildJvm.main(WarTomcatChild.class).classPath(classPath)
                .jvmArgument("--add-opens=java.base/java.lang=ALL-UNNAMED")
                .jvmArgument("--add-opens=java.base/java.io=ALL-UNNAMED")
                .jvmArgument("--add-opens=java.base/java.util=ALL-UNNAMED")
                .jvmArgument("--add-opens=java.base/java.util.concurrent=ALL-UNNAMED")
                .jvmArgument("--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED")
                .start();
        Matcher control = Pattern.compile("CONTROL (\\d+)").matcher(child.output());
        assertTrue(control.find(), child.output());
        controlPort = Integer.parseInt(control.group(1));
        downstream = new Downstream();
    }

    @AfterAll
    static void stop() throws IOException {
        if (downstream != null) {
            downstream.close();
        }
        if (child != null) {
            child.close();
        }
    }

    @Test
    void inboundDecisionInAWarsServlet() throws Exception {
        deploy("/inbound");
        String token = Tokens.valid("war-user");
        RawHttp.Response accepted = RawHttp.get(child.baseUrl(), "/inbound/app/who", RawHttp.bearer(token));
        assertEquals(200, accepted.status, accepted.toString());
        assertEquals("war-user", accepted.field("subject"));
        assertEquals(WEBAPP_LOADER, accepted.field("loader"), "the servlet comes from the WAR");
        int calls = Integer.parseInt(accepted.field("calls"));

        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
        RawHttp.Response refused = RawHttp.get(child.baseUrl(), "/inbound/app/who", RawHttp.bearer(forged));
        assertEquals(401, refused.status, refused.toString());
        assertEquals("Bearer error=\"invalid_token\", error_description=\"bad signature\"", refused.header("WWW-Authenticate"));
        RawHttp.Response after = RawHttp.get(child.baseUrl(), "/inbound/app/who", RawHttp.bearer(token));
        assertEquals(calls + 1, Integer.parseInt(after.field("calls")), "the refused request did not reach the servlet");
        RawHttp.Response garbage = RawHttp.get(child.baseUrl(), "/inbound/app/who", RawHttp.bearer("abc.def.ghi"));
        assertEquals(401, garbage.status, garbage.toString());

        // inbound.exclude-paths=/public/** matches the path after the context path, in every application.
        RawHttp.Response excluded = RawHttp.get(child.baseUrl(), "/inbound/public/who", RawHttp.bearer(forged));
        assertEquals(200, excluded.status, excluded.toString());
        assertEquals("null", excluded.field("subject"));

        // inbound.required is false (the default): a request without a token goes on, with no subject.
        RawHttp.Response missing = RawHttp.get(child.baseUrl(), "/inbound/app/who");
        assertEquals(200, missing.status, missing.toString());
        assertEquals("null", missing.field("subject"));
    }

    @Test
    void outboundCallsThroughClientsInTheWar() throws Exception {
        deploy("/outbound");
        for (String client : List.of("okhttp", "apache5", "urlconnection")) {
            String token = Tokens.valid("outbound-" + client);
            RawHttp.Response allowed = call("/outbound", client, token, downstream.allowedUrl("/allowed"));
            assertEquals("200", allowed.field("status"), client + ": " + allowed);
            assertEquals(client.equals("urlconnection") ? "bootstrap" : WEBAPP_LOADER, allowed.field("clientLoader"), client);
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), client + " to an allowed host");

            RawHttp.Response notAllowed = call("/outbound", client, token, downstream.notAllowedUrl("/not-allowed"));
            assertEquals("200", notAllowed.field("status"), client + ": " + notAllowed);
            assertEquals(List.of(), downstream.takeAuthorization(), client + " to a host not allowed");
        }
    }

    @Test
    void twoWarsEachWithItsOwnClientsKeepTheirRequestsTokens() throws Exception {
        deploy("/first");
        deploy("/second");
        // Two worker threads serve both applications in turn.
        for (int round = 0; round < 4; round++) {
            for (String client : List.of("okhttp", "apache5", "urlconnection")) {
                String first = Tokens.valid("first-" + round);
                String second = Tokens.valid("second-" + round);
                RawHttp.Response one = call("/first", client, first, downstream.allowedUrl("/first"));
                assertEquals("first-" + round, one.field("subject"));
                assertEquals(List.of("Bearer " + first), downstream.takeAuthorization(), client + " in /first, round " + round);
                RawHttp.Response two = call("/second", client, second, downstream.allowedUrl("/second"));
                assertEquals("second-" + round, two.field("subject"));
                assertEquals(List.of("Bearer " + second), downstream.takeAuthorization(), client + " in /second, round " + round);
            }
        }
    }

    /** Both applications' requests at once, on both workers: each call downstream carries its own request's token. */
    @Test
    void twoWarsServedAtOnceKeepTheirRequestsTokens() throws Exception {
        deploy("/left");
        deploy("/right");
        java.util.concurrent.ExecutorService callers = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<?>> calls = new ArrayList<>();
            java.util.Map<String, String> tokens = new java.util.concurrent.ConcurrentHashMap<>();
            for (int i = 0; i < 48; i++) {
                String context = i % 2 == 0 ? "/left" : "/right";
                String client = List.of("okhttp", "apache5", "urlconnection").get((i / 2) % 3);
                String subject = context.substring(1) + "-" + i;
                String token = Tokens.valid(subject);
                tokens.put(subject, token);
                calls.add(callers.submit(() -> {
                    RawHttp.Response answer = call(context, client, token, downstream.allowedUrl("/at-once/" + subject));
                    assertEquals(subject, answer.field("subject"));
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> call : calls) {
                call.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            for (int i = 0; i < 48; i++) {
                mockwebserver3.RecordedRequest arrived = downstream.take();
                String subject = arrived.getUrl().encodedPath().substring("/at-once/".length());
                assertEquals(List.of("Bearer " + tokens.get(subject)), arrived.getHeaders().values("Authorization"), subject);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    /**
     * Two applications with other versions of the same clients (OkHttp 3.14 and 4.12, Apache 5.1 and
     * 5.5, whose async client decides at another step), served in turn by the same workers.
     */
    @Test
    void twoWarsWithOtherVersionsOfTheClientsKeepTheirRequestsTokens() throws Exception {
        deploy("/older", "okhttp3", "apache-oldest");
        deploy("/newer", "okhttp4", "apache5-5-5");
        for (int round = 0; round < 3; round++) {
            for (String client : List.of("okhttp", "apache5", "apache5async", "urlconnection")) {
                for (String context : List.of("/older", "/newer")) {
                    String token = Tokens.valid(context.substring(1) + "-" + round);
                    RawHttp.Response answer = call(context, client, token, downstream.allowedUrl(context));
                    assertEquals("200", answer.field("status"), context + " " + client + ": " + answer);
                    assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), client + " in " + context + ", round " + round);
                    call(context, client, token, downstream.notAllowedUrl(context));
                    assertEquals(List.of(), downstream.takeAuthorization(), client + " in " + context + " to a host not allowed");
                }
            }
        }
    }

    @Test
    void undeployedWarLeavesNothingBehindAndRedeploys() throws Exception {
        Path war = deploy("/leak");
        String token = Tokens.valid("leak-user");
        // Not OkHttp here: Okio's watchdog thread outlives the application by a minute (the test below).
        for (String client : List.of("apache5", "urlconnection")) {
            call("/leak", client, token, downstream.allowedUrl("/leak"));
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), client);
        }
        assertEquals(401, RawHttp.get(child.baseUrl(), "/leak/app/who", RawHttp.bearer(token + "x")).status);

        undeployLeavingNothing("/leak");

        deploy(war, "/leak");
        String again = Tokens.valid("leak-user-again");
        for (String client : List.of("okhttp", "apache5", "urlconnection")) {
            RawHttp.Response answer = call("/leak", client, again, downstream.allowedUrl("/leak"));
            assertEquals("leak-user-again", answer.field("subject"), client);
            assertEquals(List.of("Bearer " + again), downstream.takeAuthorization(), client + " after the redeploy");
        }
        assertEquals(401, RawHttp.get(child.baseUrl(), "/leak/app/who", RawHttp.bearer(token + "x")).status);
    }

    /**
     * The application's own filter wraps the request and response in classes of its own, and the
     * servlet calls downstream from {@code AsyncContext.start}: the token goes, and after an undeploy
     * nothing of the agent's keeps the application's loader.
     */
    @Test
    void undeployedWarWithWrappingFilterAndAsyncServletIsCollected() throws Exception {
        deploy("/wrapped");
        for (int i = 0; i < 3; i++) {
            for (String client : List.of("apache5", "urlconnection")) {
                String token = Tokens.valid("wrapped-" + i);
                RawHttp.Response answer = RawHttp.get(child.baseUrl(), "/wrapped/app/async-call?client=" + client + "&url="
                        + URLEncoder.encode(downstream.allowedUrl("/wrapped"), StandardCharsets.UTF_8), RawHttp.bearer(token));
                assertEquals(200, answer.status, answer.toString());
                assertEquals("wrapped-" + i, answer.field("subject"));
                assertTrue(answer.field("requestClass").startsWith("example.jwtagent.it.WarWrappingFilter$"), answer.toString());
                assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), client + " from AsyncContext.start");
            }
        }
        String forged = Tokens.valid("wrapped") + "x";
        assertEquals(401, RawHttp.get(child.baseUrl(), "/wrapped/app/async-call?client=urlconnection&url="
                + URLEncoder.encode(downstream.allowedUrl("/wrapped"), StandardCharsets.UTF_8), RawHttp.bearer(forged)).status);
        assertNull(downstream.poll(200));
        undeployLeavingNothing("/wrapped");
    }

    /**
     * OkHttp in the WAR: Okio's watchdog thread, started by the application's first call with the
     * application's loader as its context loader, idles for a minute before it ends (Tomcat reports it
     * when the application stops: the application's own, not the agent's). Once it ended, the loader goes.
     */
    @Test
    void undeployedWarThatUsedOkHttpIsCollectedOnceOkiosWatchdogEnds() throws Exception {
        deploy("/okhttp");
        String token = Tokens.valid("okhttp-user");
        for (int i = 0; i < 3; i++) {
            call("/okhttp", "okhttp", token, downstream.allowedUrl("/okhttp"));
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
        }
        String stopLog = undeploy("/okhttp");
        List<String> leaks = new ArrayList<>(leakLines(stopLog));
        leaks.removeIf(line -> line.contains("[Okio Watchdog]"));
        assertEquals(List.of(), leaks, "Tomcat's leak detection when /okhttp stopped:\n" + stopLog);
        String collected = "";
        long end = System.nanoTime() + 100_000_000_000L;
        while (!collected.equals("collected=true") && System.nanoTime() < end) {
            collected = control("/collected?path=/okhttp").trim();
        }
        assertEquals("collected=true", collected, "the undeployed application's class loader, once Okio's watchdog ended");
    }

    /**
     * Apache's async client in the WAR, with a call the application drops before it was sent (its
     * client closed while the call waited for a connection): once the application is undeployed, its
     * class loader can be collected without any other call being made in the JVM.
     */
    @Test
    void undeployedWarWhoseAsyncCallWasDroppedUnsentIsCollected() throws Exception {
        try (Downstream slow = Downstream.slow(3000)) {
            deploy("/dropped");
            String token = Tokens.valid("dropping");
            RawHttp.Response answer = RawHttp.get(child.baseUrl(), "/dropped/app/async-dropped?url="
                    + URLEncoder.encode(slow.allowedUrl("/slow"), StandardCharsets.UTF_8), RawHttp.bearer(token));
            assertEquals(200, answer.status, answer.toString());
            assertNotEquals("no", answer.field("dropped"), "the second call was dropped: " + answer);
            assertEquals(List.of("Bearer " + token), slow.takeAuthorization(), "the first call");
            assertNull(slow.poll(500), "the second call was never sent");
            undeployLeavingNothing("/dropped");
        }
    }

    /** The checks above can fail: an application that leaves a ThreadLocal on a worker is reported, and its loader stays. */
    @Test
    void aWarThatLeavesAThreadLocalBehindIsReportedAndKeptInMemory() throws Exception {
        deploy("/careless");
        for (int i = 0; i < 4; i++) {
            RawHttp.Response answer = RawHttp.get(child.baseUrl(), "/careless/app/leave-thread-local", RawHttp.bearer(Tokens.valid("careless")));
            assertEquals(200, answer.status, answer.toString());
        }
        String stopLog = undeploy("/careless");
        List<String> leaks = leakLines(stopLog);
        assertTrue(leaks.stream().anyMatch(line -> line.contains("ThreadLocal") && line.contains("WarServlet")), stopLog);
        assertTrue(leaks.stream().noneMatch(line -> line.contains("jwtagent.bootstrap") || line.contains("jwt-agent")), stopLog);
        assertEquals("collected=false", control("/collected?path=/careless").trim());
    }

    /**
     * As a standalone Tomcat does (its ThreadLocalLeakPreventionListener), the workers are renewed after
     * an application stops: the new workers serve another application's requests, each with its own token.
     */
    @Test
    void renewedWorkersAfterAnUndeployCarryEachRequestsOwnToken() throws Exception {
        deploy("/staying");
        deploy("/leaving");
        String leaving = Tokens.valid("leaving");
        call("/leaving", "urlconnection", leaving, downstream.allowedUrl("/leaving"));
        assertEquals(List.of("Bearer " + leaving), downstream.takeAuthorization());
        Set<String> threads = new java.util.TreeSet<>();
        for (int i = 0; i < 4; i++) {
            String token = Tokens.valid("before-" + i);
            threads.add(call("/staying", "urlconnection", token, downstream.allowedUrl("/staying")).field("thread"));
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization());
        }
        undeploy("/leaving");
        Set<String> renewed = new java.util.TreeSet<>();
        long end = System.nanoTime() + 20_000_000_000L;
        int i = 0;
        while (renewed.size() < 2 && System.nanoTime() < end) {
            String token = Tokens.valid("after-" + i++);
            RawHttp.Response answer = call("/staying", "urlconnection", token, downstream.allowedUrl("/staying"));
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), "request " + i + " on " + answer.field("thread"));
            if (!threads.contains(answer.field("thread"))) {
                renewed.add(answer.field("thread"));
            }
            Thread.sleep(100);
        }
        assertTrue(!renewed.isEmpty(), "workers renewed after the undeploy: before " + threads + ", after " + renewed);
        for (String client : List.of("okhttp", "apache5", "urlconnection")) {
            String token = Tokens.valid("renewed-" + client);
            call("/staying", client, token, downstream.allowedUrl("/staying"));
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), client + " on a renewed worker");
            call("/staying", client, token, downstream.notAllowedUrl("/staying"));
            assertEquals(List.of(), downstream.takeAuthorization(), client + " on a renewed worker, to a host not allowed");
        }
    }

    /** Undeploys {@code context}; returns what the child logged meanwhile. */
    private static String undeploy(String context) throws IOException, InterruptedException {
        int before = child.output().length();
        assertEquals("state=DESTROYED", control("/undeploy?path=" + context).trim());
        String marker = "UNDEPLOYED " + context + "\n";
        long end = System.nanoTime() + 10_000_000_000L;
        while (!child.output().substring(before).contains(marker) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        String log = child.output().substring(before);
        assertTrue(log.contains(marker), log);
        return log;
    }

    /** Undeploys {@code context}: Tomcat's leak detection reports nothing, and its class loader is collected. */
    private static void undeployLeavingNothing(String context) throws IOException, InterruptedException {
        String stopLog = undeploy(context);
        assertEquals(List.of(), leakLines(stopLog), "Tomcat's leak detection when " + context + " stopped:\n" + stopLog);
        assertEquals("collected=true", control("/collected?path=" + context).trim(), "the undeployed application's class loader");
    }

    /** The lines of Tomcat's leak detection in {@code log}, with the line naming the class that logged each. */
    private static List<String> leakLines(String log) {
        List<String> leaks = new ArrayList<>();
        String[] lines = log.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("WebappClassLoaderBase") && i + 1 < lines.length) {
                leaks.add(lines[i] + " " + lines[i + 1]);
            }
        }
        return leaks;
    }

    private static RawHttp.Response call(String context, String client, String token, String url) throws IOException {
        RawHttp.Response answer = RawHttp.get(child.baseUrl(), context + "/app/call?client=" + client + "&url="
                + URLEncoder.encode(url, StandardCharsets.UTF_8), RawHttp.bearer(token));
        assertEquals(200, answer.status, context + " " + client + ": " + answer);
        return answer;
    }

    private static Path deploy(String context) throws IOException {
        return deploy(context, "okhttp4", "apache5-5-5");
    }

    /** Deploys a WAR with the OkHttp and Apache 5 of child class path sets {@code okHttpSet} and {@code apacheSet}. */
    private static Path deploy(String context, String okHttpSet, String apacheSet) throws IOException {
        Path war = explodedWar(context.substring(1), okHttpSet, apacheSet);
        deploy(war, context);
        return war;
    }

    private static void deploy(Path war, String context) throws IOException {
        String state = control("/deploy?path=" + context + "&dir=" + URLEncoder.encode(war.toString(), StandardCharsets.UTF_8));
        assertEquals("state=STARTED", state.trim(), child.output());
    }

    private static String control(String pathAndQuery) throws IOException {
        RawHttp.Response answer = RawHttp.get("http://127.0.0.1:" + controlPort, pathAndQuery);
        assertEquals(200, answer.status, answer + "\n" + child.output());
        return answer.body;
    }

    /** A WAR directory: {@link WarServlet} at {@code /app/*} and {@code /public/*}, and its own copies of the OkHttp and Apache HttpClient 5 of the given sets. */
    private static Path explodedWar(String name, String okHttpSet, String apacheSet) throws IOException {
        Path war = Files.createTempDirectory("war-" + name);
        Path classes = war.resolve("WEB-INF/classes/example/jwtagent/it");
        Files.createDirectories(classes);
        try (java.util.stream.Stream<Path> files = Files.list(ChildJvm.testClasses().resolve("example/jwtagent/it"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String classFile = file.getFileName().toString();
                if (classFile.startsWith("WarServlet") || classFile.startsWith("WarWrappingFilter")) {
                    Files.copy(file, classes.resolve(classFile));
                }
            }
        }
        Path lib = Files.createDirectories(war.resolve("WEB-INF/lib"));
        List<Path> jars = new ArrayList<>(ChildJvm.libs(okHttpSet));
        jars.addAll(ChildJvm.libs(apacheSet));
        for (Path jar : jars) {
            String file = jar.getFileName().toString();
            if (file.startsWith("okhttp") || file.startsWith("okio") || file.startsWith("kotlin")
                    || file.startsWith("httpclient5") || file.startsWith("httpcore5") || file.startsWith("slf4j")
                    || file.startsWith("commons-codec")) {
                Files.copy(jar, lib.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(war.resolve("WEB-INF/web.xml"), String.join("\n",
                "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\" metadata-complete=\"true\">",
                "  <servlet><servlet-name>app</servlet-name><servlet-class>example.jwtagent.it.WarServlet</servlet-class>",
                "    <load-on-startup>1</load-on-startup><async-supported>true</async-supported></servlet>",
                "  <servlet-mapping><servlet-name>app</servlet-name><url-pattern>/app/*</url-pattern></servlet-mapping>",
                "  <servlet-mapping><servlet-name>app</servlet-name><url-pattern>/public/*</url-pattern></servlet-mapping>",
                "  <filter><filter-name>wrapping</filter-name><filter-class>example.jwtagent.it.WarWrappingFilter</filter-class>",
                "    <async-supported>true</async-supported></filter>",
                "  <filter-mapping><filter-name>wrapping</filter-name><url-pattern>/app/async-call</url-pattern></filter-mapping>",
                "</web-app>", ""));
        return war;
    }
}
