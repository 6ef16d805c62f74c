package example.jwtagent.it;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.RequestFacade;
import org.apache.catalina.connector.Response;
import org.apache.catalina.connector.ResponseFacade;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's reading of Tomcat's header bytes (the bootstrap class {@code TomcatHeaders}), asked
 * from inside a request of a real Tomcat 11: it must recognise the one header equal to the value
 * given, and answer "no" for anything else, so that the hooks then read the header through the
 * servlet API. The path is excluded from verification, so only the accessor judges the headers.
 * It compares a value as Tomcat decodes it for the servlet API (ISO-8859-1).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TomcatHeaderBytesTest {
    private Tomcat tomcat;
    private String baseUrl;

    @BeforeAll
    void start() throws Exception {
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat-bytes").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "ask", new AskingServlet());
        context.addServletMappingDecoded("/public/*", "ask");
        tomcat.start();
        baseUrl = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    void stop() throws Exception {
        tomcat.stop();
        tomcat.destroy();
    }

    /** What the accessor says about the request's Authorization header against the X-Expected header's value. */
    private String ask(String... headers) throws Exception {
        RawHttp.Response response = RawHttp.get(baseUrl, "/public/ask", headers);
        assertEquals(200, response.status, response.toString());
        return response.body.trim();
    }

    @Test
    void theOneHeaderEqualToTheValueIsRecognised() throws Exception {
        assertEquals("true", ask("Authorization: Bearer abc.def.ghi", "X-Expected: Bearer abc.def.ghi"));
        assertEquals("true", ask("aUTHORIZATION: Bearer abc.def.ghi", "X-Expected: Bearer abc.def.ghi"));
        // Tomcat drops the whitespace around a value for the servlet API too: both read the same value.
        assertEquals("true", ask("Authorization:   Bearer abc.def.ghi  ", "X-Expected: Bearer abc.def.ghi"));
    }

    @Test
    void anyOtherHeaderIsNot() throws Exception {
        assertEquals("false", ask("Authorization: Bearer abc.def.ghj", "X-Expected: Bearer abc.def.ghi"));
        assertEquals("false", ask("Authorization: Bearer abc.def.gh", "X-Expected: Bearer abc.def.ghi"));
        assertEquals("false", ask("Authorization: bearer abc.def.ghi", "X-Expected: Bearer abc.def.ghi"));
        assertEquals("false", ask("X-Expected: Bearer abc.def.ghi"));
        assertEquals("false", ask("Authorization: Bearer abc.def.ghi", "Authorization: Bearer abc.def.ghi", "X-Expected: Bearer abc.def.ghi"));
    }

    @Test
    void bytesAreReadAsTomcatDecodesThemForTheServletApi() throws Exception {
        // ISO-8859-1: the byte E9 is the header the servlet API reads as U+00E9. (The hooks only ever
        // remember ASCII headers: no other carries a verified token.)
        assertEquals("true", ask("Authorization: Bearer \u00e9", "X-Expected: Bearer \u00e9"));
        assertEquals("false", ask("Authorization: Bearer \u00e9", "X-Expected: Bearer \u00c9"));
    }

    /**
     * The accessor the hooks use (whose handles are held where the JIT compiles them like direct
     * calls: the first one made in this JVM) and any other made for the same class answer alike.
     */
    @Test
    void aHeaderTomcatHoldsAsAStringIsComparedAsOne() throws Throwable {
        RawHttp.Response served = RawHttp.get(baseUrl, "/public/ask", "Authorization: Bearer abc", "X-Expected: Bearer abc");
        assertEquals(200, served.status, "a request through the hooks first: " + served);
        Object hooksAccessor = hooksAccessorFor(RequestFacade.class);
        Object anotherAccessor = accessorFor(RequestFacade.class);
        assertEquals(true, isDirect(hooksAccessor), "the hooks' accessor is the one held for direct calls");
        assertEquals(false, isDirect(anotherAccessor), "another one calls through its own handles");
        for (Object accessor : new Object[] {hooksAccessor, anotherAccessor}) {
            // HTTP/2 headers arrive decoded: Tomcat holds them as Strings rather than bytes.
            org.apache.coyote.Request coyoteRequest = new org.apache.coyote.Request();
            org.apache.tomcat.util.buf.MessageBytes header = coyoteRequest.getMimeHeaders().addValue("authorization");
            RequestFacade request = new RequestFacade(new Request(new Connector("HTTP/1.1"), coyoteRequest));
            header.setString("Bearer abc.def.ghi");
            assertEquals(true, isOnlyValue(accessor, request, "Bearer abc.def.ghi"));
            assertEquals(false, isOnlyValue(accessor, request, "Bearer abc.def.ghj"));
            byte[] bytes = "Bearer abc.def.ghi".getBytes(StandardCharsets.ISO_8859_1);
            header.setBytes(bytes, 0, bytes.length);
            assertEquals(true, isOnlyValue(accessor, request, "Bearer abc.def.ghi"));
            header.setBytes(bytes, 0, bytes.length - 1);
            assertEquals(false, isOnlyValue(accessor, request, "Bearer abc.def.ghi"));
            assertEquals(true, isOnlyValue(accessor, request, "Bearer abc.def.gh"));
            coyoteRequest.getMimeHeaders().addValue("Authorization").setString("Bearer abc.def.gh");
            assertEquals(false, isOnlyValue(accessor, request, "Bearer abc.def.gh"), "a repeated header");
        }
    }

    /** The accessor the servlet hooks made for requests of {@code type}. */
    private static Object hooksAccessorFor(Class<?> type) throws ReflectiveOperationException {
        Class<?> methods = Class.forName("dev.jwtagent.bootstrap.ServletHooks$RequestMethods", false, null);
        Field forClass = methods.getDeclaredField("FOR_CLASS");
        forClass.setAccessible(true);
        Object byClass = forClass.get(null);
        Method lookup = byClass.getClass().getSuperclass().getDeclaredMethod("lookup", Class.class);
        lookup.setAccessible(true);
        Field tomcat = methods.getDeclaredField("tomcat");
        tomcat.setAccessible(true);
        return tomcat.get(lookup.invoke(byClass, type));
    }

    private static boolean isDirect(Object accessor) throws ReflectiveOperationException {
        Field direct = accessor.getClass().getDeclaredField("direct");
        direct.setAccessible(true);
        return direct.getBoolean(accessor);
    }

    @Test
    void aThreadsRepeatedHeaderIsDecidedWithoutTomcatDecodingIt() throws Exception {
        String token = Tokens.valid("header-bytes");
        String otherToken = Tokens.valid("header-bytes-other");
        org.apache.coyote.Request coyoteRequest = new org.apache.coyote.Request();
        org.apache.tomcat.util.buf.MessageBytes header = coyoteRequest.getMimeHeaders().addValue("Authorization");
        RequestFacade request = new RequestFacade(new Request(new Connector("HTTP/1.1"), coyoteRequest));
        ResponseFacade response = new ResponseFacade(new Response(new org.apache.coyote.Response()));
        // Tomcat 11 keeps the String it decoded a header into here, until the next decoding.
        Field decoded = org.apache.tomcat.util.buf.MessageBytes.class.getDeclaredField("strValue");
        decoded.setAccessible(true);

        assertEquals("header-bytes", enterAndExit(request, response, header, decoded, token));
        assertNotNull(decoded.get(header), "the first time, the header is read through the servlet API");
        assertEquals("header-bytes", enterAndExit(request, response, header, decoded, token));
        assertTrue(decoded.get(header) == null, "the same header again on this thread: Tomcat was not asked to decode it");
        assertEquals("header-bytes-other", enterAndExit(request, response, header, decoded, otherToken));
        assertNotNull(decoded.get(header), "another header is read through the servlet API");
        assertEquals("header-bytes-other", enterAndExit(request, response, header, decoded, otherToken));
        assertTrue(decoded.get(header) == null, "and again");
    }

    @Test
    void theThreadHoldsAfterTheRequestExactlyWhatItHeldBefore() throws Exception {
        String token = Tokens.valid("scope-user");
        org.apache.coyote.Request coyoteRequest = new org.apache.coyote.Request();
        byte[] bytes = ("Bearer " + token).getBytes(StandardCharsets.ISO_8859_1);
        coyoteRequest.getMimeHeaders().addValue("Authorization").setBytes(bytes, 0, bytes.length);
        RequestFacade request = new RequestFacade(new Request(new Connector("HTTP/1.1"), coyoteRequest));
        ResponseFacade response = new ResponseFacade(new Response(new org.apache.coyote.Response()));
        // The agent's classes are on the bootstrap class path, not this module's.
        Class<?> hooks = Class.forName("dev.jwtagent.bootstrap.ServletHooks", false, null);
        Class<?> carrier = Class.forName("dev.jwtagent.bootstrap.TokenCarrier", false, null);
        Class<?> carried = Class.forName("dev.jwtagent.bootstrap.CarriedToken", false, null);
        Method current = carrier.getMethod("current");
        Method swap = carrier.getMethod("swap", carried);
        Method value = carried.getMethod("value");
        Object held = carried.getConstructor(String.class, long.class, String.class)
                .newInstance("held.by.thread", Long.MAX_VALUE, "held-fingerprint");

        for (Object before : new Object[] {null, held}) {
            Object previous = swap.invoke(null, before);
            try {
                request.removeAttribute("jwt.agent.claims");
                Object state = hooks.getMethod("enter", Object.class, Object.class).invoke(null, request, response);
                assertNotNull(state, "the request must not be refused");
                assertEquals(token, value.invoke(current.invoke(null)), "the request's token while it runs");
                hooks.getMethod("exit", Object.class).invoke(null, state);
                assertTrue(current.invoke(null) == before, "after the request, the thread holds " + before);
            } finally {
                swap.invoke(null, previous);
            }
        }
    }

    @Test
    void claimsAnApplicationCopiedFromAnotherRequestDoNotMakeThatRequestsTokenCurrent() throws Exception {
        String alice = Tokens.valid("copied-alice");
        String bob = Tokens.valid("copied-bob");
        RequestFacade first = requestWithBearer(alice);
        RequestFacade second = requestWithBearer(bob);
        ResponseFacade response = new ResponseFacade(new Response(new org.apache.coyote.Response()));
        Class<?> hooks = Class.forName("dev.jwtagent.bootstrap.ServletHooks", false, null);
        Method enter = hooks.getMethod("enter", Object.class, Object.class);
        Method exit = hooks.getMethod("exit", Object.class);
        Class<?> carried = Class.forName("dev.jwtagent.bootstrap.CarriedToken", false, null);
        Method current = Class.forName("dev.jwtagent.bootstrap.TokenCarrier", false, null).getMethod("current");
        Method value = carried.getMethod("value");

        exit.invoke(null, enter.invoke(null, first, response));
        Object alicesClaims = first.getAttribute("jwt.agent.claims");
        assertNotNull(alicesClaims);
        // A later dispatch of the same request finds its decision in the claims.
        Object again = enter.invoke(null, first, response);
        assertEquals(alice, value.invoke(current.invoke(null)));
        exit.invoke(null, again);

        // The application puts Alice's claims on Bob's request (kept in a session, say) before a dispatch of it.
        second.setAttribute("jwt.agent.claims", alicesClaims);
        Object state = enter.invoke(null, second, response);
        assertNotNull(state, "Bob's own token is valid");
        assertEquals(bob, value.invoke(current.invoke(null)), "Bob's request runs with Bob's token, decided anew");
        assertEquals("copied-bob", second.getAttribute("jwt.agent.subject"));
        exit.invoke(null, state);
    }

    private static RequestFacade requestWithBearer(String token) {
        org.apache.coyote.Request coyoteRequest = new org.apache.coyote.Request();
        byte[] bytes = ("Bearer " + token).getBytes(StandardCharsets.ISO_8859_1);
        coyoteRequest.getMimeHeaders().addValue("Authorization").setBytes(bytes, 0, bytes.length);
        return new RequestFacade(new Request(new Connector("HTTP/1.1"), coyoteRequest));
    }

    /** One request through the agent's servlet hooks on this thread, as Tomcat hands it over; the subject it got. */
    private static Object enterAndExit(RequestFacade request, ResponseFacade response, org.apache.tomcat.util.buf.MessageBytes header,
                                       Field decoded, String token) throws Exception {
        for (String name : new String[] {"dev.jwtagent.decision", "jwt.agent.subject", "jwt.agent.claims"}) {
            request.removeAttribute(name);
        }
        byte[] bytes = ("Bearer " + token).getBytes(StandardCharsets.ISO_8859_1);
        header.setBytes(bytes, 0, bytes.length);
        decoded.set(header, null);
        // The agent's classes are on the bootstrap class path, not this module's.
        Class<?> hooks = Class.forName("dev.jwtagent.bootstrap.ServletHooks", false, null);
        Object state = hooks.getMethod("enter", Object.class, Object.class).invoke(null, request, response);
        hooks.getMethod("exit", Object.class).invoke(null, state);
        assertNotNull(state, "the request must not be refused");
        return request.getAttribute("jwt.agent.subject");
    }

    @Test
    void otherRequestClassesGetNoAccessor() throws Exception {
        assertEquals(null, accessorFor(jakarta.servlet.http.HttpServletRequestWrapper.class));
        assertEquals(null, accessorFor(Request.class));
    }

    /** The bootstrap class's accessor for requests of {@code type}, or null. */
    static Object accessorFor(Class<?> type) throws ReflectiveOperationException {
        Class<?> accessor = Class.forName("dev.jwtagent.bootstrap.TomcatHeaders", false, null);
        Method forRequestClass = accessor.getDeclaredMethod("forRequestClass", Class.class);
        forRequestClass.setAccessible(true);
        return forRequestClass.invoke(null, type);
    }

    static boolean isOnlyValue(Object accessor, Object request, String expected) throws ReflectiveOperationException {
        Method isOnlyValue = accessor.getClass().getDeclaredMethod("isOnlyValue", Object.class, String.class, byte[].class, String.class);
        isOnlyValue.setAccessible(true);
        return (Boolean) isOnlyValue.invoke(accessor, request, "Authorization",
                expected == null ? null : expected.getBytes(StandardCharsets.ISO_8859_1), expected);
    }

    static final class AskingServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String answer;
            try {
                Object headers = accessorFor(request.getClass());
                answer = headers == null ? "no accessor for " + request.getClass().getName()
                        : String.valueOf(isOnlyValue(headers, request, request.getHeader("X-Expected")));
            } catch (ReflectiveOperationException e) {
                answer = e.toString();
            }
            byte[] body = (answer + "\n").getBytes(StandardCharsets.UTF_8);
            response.setContentType("text/plain");
            response.getOutputStream().write(body);
        }
    }
}
