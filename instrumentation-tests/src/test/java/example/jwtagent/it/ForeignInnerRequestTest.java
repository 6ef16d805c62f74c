package example.jwtagent.it;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A filter passes the rest of the chain a request object of its own, no wrapper of the request it
 * got, whose methods throw when asked: the servlet's call is not taken as the outer request's, so
 * it never runs with alice's token. The agent cannot decide it, and fails closed (401). With the
 * agent of 4b9d27c, which took such a call as the outer request's, the servlet called downstream
 * with alice's token (and 200).
 */
class ForeignInnerRequestTest {
    private static OneContextTomcat tomcat;
    private static String base;
    private static Downstream downstream;

    @BeforeAll
    static void start() throws Exception {
        downstream = new Downstream();
        tomcat = new OneContextTomcat("foreign-inner")
                .servlet(new HttpServlet() {
                    @Override
                    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                        DownstreamClients.urlConnection(downstream.allowedUrl("/from-the-servlet"), null);
                        response.getWriter().print("servlet");
                    }
                }, false)
                .filter("foreign", (Filter) (request, response, chain) -> chain.doFilter(foreignRequest(), response), "/*", false);
        base = tomcat.start();
    }

    /** A request of the filter's own making: no headers, and attributes it refuses to give. */
    private static HttpServletRequest foreignRequest() {
        return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                (proxy, method, arguments) -> {
                    switch (method.getName()) {
                        case "getAttribute":
                            throw new UnsupportedOperationException("no attributes here");
                        case "getHeaders":
                        case "getHeaderNames":
                        case "getAttributeNames":
                            return Collections.emptyEnumeration();
                        case "getMethod":
                            return "GET";
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == arguments[0];
                        default:
                            return method.getReturnType() == boolean.class ? Boolean.FALSE : method.getReturnType() == int.class ? 0 : null;
                    }
                });
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.close();
        downstream.close();
    }

    @Test
    void anInnerCallOnARequestThatCannotBeMatchedNeverRunsWithTheOuterToken() throws Exception {
        RawHttp.Response response = RawHttp.get(base, "/outer", RawHttp.bearer(Tokens.valid("alice")));
        assertEquals(401, response.status, response.toString());
        assertNull(downstream.poll(500), "the servlet was not called");
    }
}
