package example.jwtagent.it;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SPEC sections 5 and 7: the key fetch that an unknown {@code kid} asks for is the agent's own work,
 * never a hand-off of the request that happened to ask. A filter runs a request of its own making
 * (a batch of sub-requests, say) on the thread of a request with alice's verified token; the inner
 * request's token names a key the set lacks, so the agent fetches the key set again. That fetch must
 * not carry alice's token to the key server, an allowed ({@code internal}) host the application never
 * called: over HTTPS ({@code HttpsURLConnection}, which the agent instruments, with the token
 * hidden for the fetch) and over loopback HTTP (a socket of the agent's own).
 */
class KeyRefetchFromAnInnerRequestTest {

    @ParameterizedTest
    @ValueSource(strings = {"https", "http"})
    void theRefetchForAnInnerRequestsUnknownKidCarriesNoToken(String scheme, @TempDir Path dir) throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        try (MockWebServer keys = new MockWebServer()) {
            keys.setDispatcher(new Dispatcher() {
                @Override
                public MockResponse dispatch(RecordedRequest request) {
                    String authorization = request.getHeaders().get("Authorization");
                    authorizations.add(authorization == null ? "(none)" : "a value of " + authorization.length() + " characters");
                    return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                            .body(AdversarialKeys.jwks()).build();
                }
            });
            ChildJvm.Builder service = ChildJvm.main(Child.class);
            if (scheme.equals("https")) {
                keys.useHttps(TestTls.server().getSocketFactory());
                for (String argument : TestTls.trustingJvmArguments(dir)) {
                    service.jvmArgument(argument);
                }
            }
            keys.start(InetAddress.getByName("127.0.0.1"), 0);
            // The certificate names localhost, and localhost is an allowed (internal) host.
            try (ChildJvm child = service.agentSetting("secret-file", null)
                    .agentSetting("jwks-url", scheme + "://localhost:" + keys.getPort() + "/jwks.json")
                    .agentSetting("outbound.allowed-hosts", "internal")
                    // A poll made before the first keys arrived asks for a refetch itself (alice's kid is
                    // unknown then), which the refetch interval then holds back for the inner request's.
                    .agentSetting("jwks.min-refetch-interval", "1s").start()) {
                String alice = Tokens.signedWith(AdversarialKeys.rs256(AdversarialKeys.RSA), "alice",
                        b -> b.withKeyId(AdversarialKeys.RSA_KID));
                long deadline = System.nanoTime() + 15_000_000_000L;
                while (RawHttp.get(child.baseUrl(), "/plain", RawHttp.bearer(alice)).status != 200) {
                    assertTrue(System.nanoTime() < deadline, "the keys never arrived\n" + child.output());
                    Thread.sleep(100);
                }
                // Past the interval of any refetch the polls asked for.
                Thread.sleep(1_100);
                int fetchesBefore = authorizations.size();
                String rotated = Tokens.signedWith(AdversarialKeys.rs256(AdversarialKeys.RSA), "bob",
                        b -> b.withKeyId("published-since"));
                RawHttp.Response response = RawHttp.get(child.baseUrl(), "/batch", RawHttp.bearer(alice),
                        "X-Inner-Token: " + rotated);
                assertEquals(401, response.status, "the inner request's key is still unknown: " + response + "\n" + child.output());
                assertTrue(authorizations.size() > fetchesBefore, "the unknown kid made the agent fetch the keys again\n" + child.output());
                assertEquals(Collections.nCopies(authorizations.size(), "(none)"), authorizations,
                        "what the key server got as Authorization on each fetch");
            }
        }
    }

    /** Tomcat whose filter runs {@code /batch}'s inner request, a request object of its own, on the same thread. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            OneContextTomcat tomcat = new OneContextTomcat("inner-refetch")
                    .servlet(new HttpServlet() {
                        @Override
                        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                            response.getWriter().print("ok");
                        }
                    }, false)
                    .filter("batch", (Filter) (request, response, chain) -> {
                        HttpServletRequest http = (HttpServletRequest) request;
                        String inner = http.getHeader("X-Inner-Token");
                        chain.doFilter(inner == null ? request : innerRequest(inner), response);
                    }, "/*", false);
            String base = tomcat.start();
            System.out.println(ChildJvm.READY + base.substring(base.lastIndexOf(':') + 1));
            System.out.flush();
            System.in.readAllBytes();
            tomcat.close();
            System.exit(0);
        }

        /** A sub-request of the filter's own making, with its own bearer token. */
        private static HttpServletRequest innerRequest(String token) {
            return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                    new Class<?>[] {HttpServletRequest.class}, (proxy, method, arguments) -> {
                        switch (method.getName()) {
                            case "getHeaders":
                                return "authorization".equalsIgnoreCase((String) arguments[0])
                                        ? Collections.enumeration(List.of("Bearer " + token)) : Collections.emptyEnumeration();
                            case "getHeader":
                                return "authorization".equalsIgnoreCase((String) arguments[0]) ? "Bearer " + token : null;
                            case "getHeaderNames":
                                return Collections.enumeration(List.of("Authorization"));
                            case "getAttributeNames":
                                return Collections.emptyEnumeration();
                            case "getMethod":
                                return "GET";
                            case "getServletPath":
                                return "/inner";
                            case "getRequestURI":
                                return "/inner";
                            case "hashCode":
                                return System.identityHashCode(proxy);
                            case "equals":
                                return proxy == arguments[0];
                            case "toString":
                                return "inner request";
                            default:
                                return method.getReturnType() == boolean.class ? Boolean.FALSE
                                        : method.getReturnType() == int.class ? 0 : null;
                        }
                    });
        }
    }
}
