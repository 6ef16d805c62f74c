package example.jwtagent.it;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.ServletRequestAttributeEvent;
import jakarta.servlet.ServletRequestAttributeListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Request;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The agent's request attributes on a real Tomcat 11, which the hooks keep beside Tomcat's own map
 * (the agent's {@code TomcatAttributes}): the application reads, lists, removes and replaces them
 * as it would any attribute, also through a forward; an attribute listener hears a replacement or a
 * removal as one; and the next requests Tomcat serves with the same request objects, without a
 * token, find none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TomcatRequestAttributesTest {
    private OneContextTomcat tomcat;
    private String baseUrl;

    @BeforeAll
    void start() throws Exception {
        // One worker: each request is served after the previous one, by the same request objects.
        tomcat = new OneContextTomcat("tomcat-attributes").connectorProperty("minSpareThreads", "1").connectorProperty("maxThreads", "1");
        Context context = tomcat.context;
        context.addApplicationListener(EventsListener.class.getName());
        context.addApplicationListener(RestoringListener.class.getName());
        Tomcat.addServlet(context, "attributes", new AttributesServlet());
        context.addServletMappingDecoded("/attrs/*", "attributes");
        Tomcat.addServlet(context, "forward", new ForwardingServlet());
        context.addServletMappingDecoded("/forward/*", "forward");
        Tomcat.addServlet(context, "copy", new CopyingServlet());
        context.addServletMappingDecoded("/copy/*", "copy");
        baseUrl = tomcat.start();
    }

    @AfterAll
    void stop() throws Exception {
        tomcat.close();
    }

    private String ask(String path, String token) throws Exception {
        RawHttp.Response response = token == null ? RawHttp.get(baseUrl, path) : RawHttp.get(baseUrl, path, RawHttp.bearer(token));
        assertEquals(200, response.status, response.toString());
        return response.body.trim();
    }

    @Test
    void theApplicationReadsAndListsThem() throws Exception {
        String token = Tokens.valid("alice");
        assertEquals("subject=alice claims.sub=alice", ask("/attrs/read", token));
        assertEquals("names=[jwt.agent.claims, jwt.agent.subject] subject=alice", ask("/attrs/names", token));
        assertEquals("subject=alice claims.sub=alice", ask("/forward/read", token), "through a forward");
        assertEquals("names=[jwt.agent.claims, jwt.agent.subject] subject=alice", ask("/forward/names", token), "through a forward");
    }

    @Test
    void aRemovedAttributeIsGoneAndTheListenerHearsOfIt() throws Exception {
        assertEquals("subject=null names=[jwt.agent.claims] events=[added jwt.agent.subject=bob, removed jwt.agent.subject=bob]",
                ask("/attrs/remove", Tokens.valid("bob")));
    }

    /** Tomcat's setAttribute with a null value is a removal: the agent's original, kept hidden on a replacement, goes too. */
    @Test
    void anAttributeSetToNullIsGone() throws Exception {
        assertEquals("subject=null names=[jwt.agent.claims] events=[added jwt.agent.subject=bob, removed jwt.agent.subject=bob]",
                ask("/attrs/set-null", Tokens.valid("bob")));
        assertEquals("subject=null names=[jwt.agent.claims]", ask("/attrs/replace-then-remove", Tokens.valid("bob")));
    }

    @Test
    void aReplacedAttributeHoldsTheApplicationsValueAndTheListenerHearsOfAReplacement() throws Exception {
        assertEquals("subject=someone-else events=[added jwt.agent.subject=carol, replaced jwt.agent.subject=carol]",
                ask("/attrs/replace", Tokens.valid("carol")));
        assertEquals("subject=someone-else events=[added jwt.agent.subject=someone-else]", ask("/attrs/replace-without-reading", null),
                "a request without a token has no subject to replace");
    }

    /** Tomcat's own map (a concurrent one) holds them only once the application lists, removes or replaces one. */
    @Test
    void theyAreKeptOutsideTomcatsOwnMapUntilTheApplicationListsThem() throws Exception {
        assertEquals("in Tomcat's map before=false after=true subject=dave", ask("/attrs/where", Tokens.valid("dave")));
    }

    @Test
    void theNextRequestsWithoutATokenFindNone() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertEquals("names=[jwt.agent.claims, jwt.agent.subject] subject=erin", ask("/attrs/names", Tokens.valid("erin")));
            assertEquals("subject=null claims.sub=null", ask("/attrs/read", null));
            assertEquals("names=[] subject=null", ask("/attrs/names", null));
        }
    }

    /**
     * The application's request listener puts claims it kept from another request (from a session, say) on
     * grace's request before any filter runs: the agent decides grace's request anew on her token, and she
     * then finds her claims, as when the agent set them with setAttribute; not frank's, with her subject.
     */
    @Test
    void claimsTheApplicationPutBeforeTheDecisionAreReplacedByTheVerifiedOnes() throws Exception {
        assertEquals("kept", ask("/copy/keep", Tokens.valid("frank")));
        assertEquals("subject=grace claims.sub=grace", ask("/copy/restored", Tokens.valid("grace")));
    }

    /** Puts the claims {@link CopyingServlet} kept on a request to {@code /copy/restored}, when the request starts. */
    public static final class RestoringListener implements ServletRequestListener {
        @Override
        public void requestInitialized(ServletRequestEvent event) {
            HttpServletRequest request = (HttpServletRequest) event.getServletRequest();
            if (request.getRequestURI().equals("/copy/restored") && CopyingServlet.kept != null) {
                request.setAttribute("jwt.agent.claims", CopyingServlet.kept);
            }
        }
    }

    /** {@code /copy/keep} keeps the request's claims; {@code /copy/restored} answers with the subject and claims it finds. */
    static final class CopyingServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private static volatile Object kept;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (request.getPathInfo().equals("/restored")) {
                Object claims = request.getAttribute("jwt.agent.claims");
                String answer = "subject=" + request.getAttribute("jwt.agent.subject")
                        + " claims.sub=" + (claims == null ? null : ((Map<?, ?>) claims).get("sub")) + "\n";
                response.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
                return;
            }
            kept = request.getAttribute("jwt.agent.claims");
            response.getOutputStream().write("kept\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Records, in the request, what an application's listener hears of the agent's attributes. */
    public static final class EventsListener implements ServletRequestAttributeListener {
        @Override
        public void attributeAdded(ServletRequestAttributeEvent event) {
            record(event, "added");
        }

        @Override
        public void attributeRemoved(ServletRequestAttributeEvent event) {
            record(event, "removed");
        }

        @Override
        public void attributeReplaced(ServletRequestAttributeEvent event) {
            record(event, "replaced");
        }

        @SuppressWarnings("unchecked")
        private static void record(ServletRequestAttributeEvent event, String what) {
            if (!event.getName().equals("jwt.agent.subject")) {
                return;
            }
            Object events = event.getServletRequest().getAttribute("test.events");
            if (events instanceof List) {
                ((List<String>) events).add(what + " " + event.getName() + "=" + event.getValue());
            }
        }
    }

    static final class ForwardingServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
            request.getRequestDispatcher("/attrs" + request.getPathInfo()).forward(request, response);
        }
    }

    static final class AttributesServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            List<String> events = new ArrayList<>();
            request.setAttribute("test.events", events);
            String answer;
            switch (request.getPathInfo()) {
                case "/read":
                    Object claims = request.getAttribute("jwt.agent.claims");
                    answer = "subject=" + request.getAttribute("jwt.agent.subject")
                            + " claims.sub=" + (claims == null ? null : ((Map<?, ?>) claims).get("sub"));
                    break;
                case "/names":
                    answer = "names=" + agentNames(request) + " subject=" + request.getAttribute("jwt.agent.subject");
                    break;
                case "/remove":
                    request.removeAttribute("jwt.agent.subject");
                    answer = "subject=" + request.getAttribute("jwt.agent.subject") + " names=" + agentNames(request) + " events=" + events;
                    break;
                case "/set-null":
                    request.setAttribute("jwt.agent.subject", null);
                    answer = "subject=" + request.getAttribute("jwt.agent.subject") + " names=" + agentNames(request) + " events=" + events;
                    break;
                case "/replace-then-remove":
                    request.setAttribute("jwt.agent.subject", "someone-else");
                    request.removeAttribute("jwt.agent.subject");
                    answer = "subject=" + request.getAttribute("jwt.agent.subject") + " names=" + agentNames(request);
                    break;
                case "/replace":
                case "/replace-without-reading":
                    request.setAttribute("jwt.agent.subject", "someone-else");
                    answer = "subject=" + request.getAttribute("jwt.agent.subject") + " events=" + events;
                    break;
                case "/where":
                    boolean before = inTomcatsMap(request, "jwt.agent.subject");
                    agentNames(request);
                    answer = "in Tomcat's map before=" + before + " after=" + inTomcatsMap(request, "jwt.agent.subject")
                            + " subject=" + request.getAttribute("jwt.agent.subject");
                    break;
                default:
                    answer = "unknown";
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

        /** Whether Tomcat's servlet-side request holds the attribute in its own map. */
        private static boolean inTomcatsMap(HttpServletRequest facade, String name) {
            try {
                Field connectorRequest = facade.getClass().getDeclaredField("request");
                connectorRequest.setAccessible(true);
                Field attributes = Request.class.getDeclaredField("attributes");
                attributes.setAccessible(true);
                return ((Map<?, ?>) attributes.get(connectorRequest.get(facade))).containsKey(name);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
