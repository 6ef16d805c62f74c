package example.jwtagent.it;

import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Undertow's error dispatches run after the request's outermost call has returned, on the same worker
 * (an exception, {@code sendError}) or on another (an async task's {@code sendError}): the error page
 * is the request's own work and calls downstream with its token, and a request without one sends none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UndertowErrorDispatchTest {
    private static volatile String errorPageCalls;

    private Downstream downstream;
    private UndertowServer server;
    private String base;

    @BeforeAll
    void start() throws Exception {
        downstream = new Downstream();
        errorPageCalls = downstream.allowedUrl("/from-the-error-page");
        DeploymentInfo deployment = Servlets.deployment()
                .setClassLoader(UndertowErrorDispatchTest.class.getClassLoader())
                .setContextPath("/")
                .setDeploymentName("errors")
                .addErrorPage(Servlets.errorPage("/error-page"))
                .addServlet(Servlets.servlet("app", AppServlet.class, new ImmediateInstanceFactory<>(new AppServlet()))
                        .addMapping("/*").setAsyncSupported(true));
        server = new UndertowServer(deployment, 1);
        base = server.baseUrl();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        downstream.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/throws", "/send-error", "/async-send-error"})
    void theErrorPageCallsWithTheRequestsTokenOrNone(String path) throws Exception {
        for (int i = 0; i < 3; i++) {
            String token = Tokens.valid("alice" + i);
            RawHttp.Response failed = RawHttp.get(base, path, RawHttp.bearer(token));
            assertEquals(500, failed.status, failed.toString());
            assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), "alice's error page, round " + i);
            RawHttp.Response without = RawHttp.get(base, path);
            assertEquals(500, without.status, without.toString());
            assertEquals(Collections.emptyList(), downstream.takeAuthorization(), "the error page of a request without a token, round " + i);
        }
    }

    static final class AppServlet extends HttpServlet {
        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String uri = request.getRequestURI();
            if (uri.equals("/error-page")) {
                JdkHeldExchanges.callFromACallback(errorPageCalls);
                response.getWriter().print("error page");
            } else if (uri.equals("/throws")) {
                throw new IllegalStateException("the application failed");
            } else if (uri.equals("/send-error")) {
                response.sendError(500);
            } else {
                AsyncContext async = request.startAsync();
                async.start(() -> {
                    try {
                        ((HttpServletResponse) async.getResponse()).sendError(500);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    async.complete();
                });
            }
        }
    }
}
