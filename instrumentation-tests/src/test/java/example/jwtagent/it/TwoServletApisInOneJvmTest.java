package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.lang.reflect.Field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The servlet hooks call the request methods of one servlet API through handles the JIT compiles
 * like direct calls (the first API they meet) and of any other through reflection. A JVM that
 * serves both javax (Jetty 9.4) and jakarta (Tomcat 11) requests, as this one does, must decide
 * both alike: the subject and claims on a valid token, 401 on a forged one, 400 on two tokens,
 * whichever of the two APIs was bound first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoServletApisInOneJvmTest {
    private TestServer jetty;
    private TestServer tomcat;

    @BeforeAll
    void start() throws Exception {
        jetty = new JettyJavaxServer(2);
        tomcat = new TomcatJakartaServer(2);
    }

    @AfterAll
    void stop() throws Exception {
        jetty.close();
        tomcat.close();
    }

    @Test
    void bothApisAreDecidedAlikeWhicheverIsCalledDirectly() throws Exception {
        for (int round = 0; round < 3; round++) {
            for (TestServer server : new TestServer[] {jetty, tomcat}) {
                String user = "two-apis-" + round;
                RawHttp.Response valid = RawHttp.get(server.baseUrl(), "/echo", RawHttp.bearer(Tokens.valid(user)));
                assertEquals(200, valid.status, server + ": " + valid);
                assertEquals(user, valid.field("subject"), server + ": " + valid);
                assertEquals("map:" + user, valid.field("claims"), server + ": " + valid);

                String[] parts = Tokens.valid(user).split("\\.");
                String forged = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
                RawHttp.Response refused = RawHttp.get(server.baseUrl(), "/echo", RawHttp.bearer(forged));
                assertEquals(401, refused.status, server + ": " + refused);
                assertTrue(refused.header("WWW-Authenticate").contains("error=\"invalid_token\""), server + ": " + refused);

                RawHttp.Response twice = RawHttp.get(server.baseUrl(), "/echo", RawHttp.bearer(Tokens.valid(user)),
                        RawHttp.bearer(Tokens.valid(user)));
                assertEquals(400, twice.status, server + ": " + twice);
            }
        }
        String bound = boundApi();
        assertTrue(bound.equals("javax.servlet.http.HttpServletRequest") || bound.equals("jakarta.servlet.http.HttpServletRequest"),
                "one of the two APIs is called directly, the other through reflection: " + bound);
    }

    /** The interface the agent's bootstrap class calls directly. */
    private static String boundApi() throws ReflectiveOperationException {
        Class<?> bound = Class.forName("dev.jwtagent.bootstrap.DirectServletApi$Bound", true, null);
        Field api = bound.getDeclaredField("API");
        api.setAccessible(true);
        return String.valueOf(((Class<?>) api.get(null)).getName());
    }
}
