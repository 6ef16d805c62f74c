package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spring Boot service with {@code inbound.required=true}, where handlers end in Spring Boot's
 * error handling (Tomcat's error dispatch to {@code /error}): the application's own status stays
 * (500 for an exception, the status it sent), on an excluded path too, and the agent's 401 is never
 * replaced by Spring's error page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringBootRequiredErrorTest {
    private ChildJvm service;
    private final String alice = Tokens.valid("alice");

    @BeforeAll
    void start() throws Exception {
        service = SpringBootApp.startAndAwait(SpringBootApp.withAgent()
                .agentSetting("inbound.required", "true")
                .argument("--server.error.include-message=always"), "/public/probe-counts");
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    private String forged() {
        return alice.substring(0, alice.lastIndexOf('.') + 1) + "AAAA" + alice.substring(alice.lastIndexOf('.') + 5);
    }

    @Test
    void anExcludedPathsErrorPageKeepsTheApplicationsStatus() throws Exception {
        RawHttp.Response thrown = RawHttp.get(service.baseUrl(), "/public/probe-throw");
        assertEquals(500, thrown.status, thrown + "\n" + service.output());
        assertTrue(thrown.body.contains("\"subject\":\"null\""), thrown.body);
        RawHttp.Response sent = RawHttp.get(service.baseUrl(), "/public/probe-send-error");
        assertEquals(503, sent.status, sent.toString());
        RawHttp.Response forgedThere = RawHttp.get(service.baseUrl(), "/public/probe-throw", RawHttp.bearer(forged()));
        assertEquals(500, forgedThere.status, forgedThere.toString());
        assertTrue(forgedThere.body.contains("\"subject\":\"null\""), forgedThere.body);
    }

    @Test
    void aValidTokensErrorPageKeepsTheApplicationsStatusAndTheSubject() throws Exception {
        RawHttp.Response thrown = RawHttp.get(service.baseUrl(), "/probe/throw", RawHttp.bearer(alice));
        assertEquals(500, thrown.status, thrown + "\n" + service.output());
        assertTrue(thrown.body.contains("\"subject\":\"alice\""), thrown.body);
        RawHttp.Response sent = RawHttp.get(service.baseUrl(), "/probe/send-error", RawHttp.bearer(alice));
        assertEquals(503, sent.status, sent.toString());
        assertTrue(sent.body.contains("\"subject\":\"alice\""), sent.body);
    }

    @Test
    void theAgents401sAreNotReplacedByTheErrorPage() throws Exception {
        RawHttp.Response none = RawHttp.get(service.baseUrl(), "/probe/throw");
        assertEquals(401, none.status, none.toString());
        assertTrue(none.body.contains("\"error\":\"unauthorized\""), none.body);
        assertEquals("no-store", none.header("Cache-Control"), none.toString());
        RawHttp.Response bad = RawHttp.get(service.baseUrl(), "/probe/throw", RawHttp.bearer(forged()));
        assertEquals(401, bad.status, bad.toString());
        assertTrue(bad.body.contains("\"error\":\"invalid_token\""), bad.body);
        RawHttp.Response error = RawHttp.get(service.baseUrl(), "/error");
        assertEquals(401, error.status, "/error called directly is a request like any other: " + error);
        RawHttp.Response malformed = RawHttp.get(service.baseUrl(), "/probe/throw", "Authorization: Bearer a b");
        assertEquals(400, malformed.status, malformed.toString());
        assertTrue(malformed.body.contains("invalid_request"), malformed.body);
    }
}
