package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * SPEC section 3: a request carrying {@code access_token} in its query string is logged and counted
 * ({@code query_token_ignored}), on an excluded path too (this JVM excludes {@code /health}): a client
 * that puts its token in the URL of a health probe leaks it into access logs as any other does.
 */
class QueryTokenOnAnExcludedPathTest {
    private static TomcatJakartaServer tomcat;
    private static final MBeanServer BEANS = ManagementFactory.getPlatformMBeanServer();

    @BeforeAll
    static void start() throws Exception {
        tomcat = new TomcatJakartaServer(1);
        // The agent publishes its metrics when it sees its first request.
        assertEquals(200, RawHttp.get(tomcat.baseUrl(), "/echo").status);
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.close();
    }

    private static long ignored() throws Exception {
        return (Long) BEANS.getAttribute(new ObjectName("jwt.agent:type=Metrics"), "query_token_ignored");
    }

    @Test
    void aQueryTokenOnAnExcludedPathIsCountedAsIgnored() throws Exception {
        long before = ignored();
        RawHttp.Response response = RawHttp.get(tomcat.baseUrl(), "/health?access_token=" + Tokens.valid("alice"));
        assertEquals(200, response.status, response.toString());
        assertEquals("null", response.field("subject"));
        assertEquals(before + 1, ignored(), "an access_token in the query of an excluded path was neither logged nor counted");
        RawHttp.Response elsewhere = RawHttp.get(tomcat.baseUrl(), "/echo?access_token=" + Tokens.valid("alice"));
        assertEquals("null", elsewhere.field("subject"));
        assertEquals(before + 2, ignored());
    }
}
