package example.jwtagent.it;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Filters no agent can rewrite: a lambda, a method reference (hidden classes, which the JVM never
 * hands to a transformer) and a {@code java.lang.reflect.Proxy}. On Tomcat they are called from its
 * {@code ApplicationFilterChain}, which is now the outermost entry and decides first: a forged
 * token gets 401 and the filter is not called; a valid one reaches the filter with its subject.
 * Before, the filters ran, and answered 200, with a forged token.
 */
class LambdaFilterTest {
    private static final AtomicInteger CALLS = new AtomicInteger();
    private static OneContextTomcat tomcat;
    private static String base;

    static void answer(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException {
        CALLS.incrementAndGet();
        response.setContentType("text/plain");
        response.getWriter().print("filter subject=" + request.getAttribute("jwt.agent.subject"));
    }

    @BeforeAll
    static void start() throws Exception {
        tomcat = new OneContextTomcat("lambda-filter")
                .servlet(new HttpServlet() {
                    @Override
                    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                        response.getWriter().print("servlet");
                    }
                }, false)
                .filter("lambda", (request, response, chain) -> answer(request, response, chain), "/lambda/*", false)
                .filter("method-reference", LambdaFilterTest::answer, "/method-reference/*", false)
                .filter("proxy", (Filter) Proxy.newProxyInstance(Filter.class.getClassLoader(), new Class<?>[] {Filter.class},
                        (proxy, method, arguments) -> {
                            if (method.getName().equals("doFilter")) {
                                answer((ServletRequest) arguments[0], (ServletResponse) arguments[1], (FilterChain) arguments[2]);
                            }
                            return null;
                        }), "/proxy/*", false);
        base = tomcat.start();
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"lambda", "method-reference", "proxy"})
    void aForgedTokenNeverReachesTheFilter(String filter) throws Exception {
        String[] parts = Tokens.valid("mallory").split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
        int before = CALLS.get();
        RawHttp.Response refused = RawHttp.get(base, "/" + filter + "/x", RawHttp.bearer(forged));
        assertEquals(401, refused.status, refused.body);
        assertEquals(before, CALLS.get(), "the filter was not called");

        RawHttp.Response accepted = RawHttp.get(base, "/" + filter + "/x", RawHttp.bearer(Tokens.valid("alice")));
        assertEquals(200, accepted.status);
        assertEquals("filter subject=alice", accepted.body.trim());
    }
}
