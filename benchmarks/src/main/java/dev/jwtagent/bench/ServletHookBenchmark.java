package dev.jwtagent.bench;

import dev.jwtagent.BenchHooks;
import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.InboundDecision;
import dev.jwtagent.bootstrap.RequestScope;
import dev.jwtagent.bootstrap.ServletHooks;
import dev.jwtagent.inbound.InboundPolicy;
import dev.jwtagent.inbound.PathPatterns;
import dev.jwtagent.metrics.AgentMetrics;
import dev.jwtagent.outbound.AllowedHosts;
import dev.jwtagent.outbound.OutboundPolicy;
import dev.jwtagent.verify.KeyedVerifier;
import dev.jwtagent.verify.TokenVerifiers;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.RequestFacade;
import org.apache.catalina.connector.Response;
import org.apache.catalina.connector.ResponseFacade;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The servlet entry for a request with a repeated valid HS256 token, on Tomcat's own request and
 * response objects: the agent's hooks (the request used through reflection, as from the bootstrap
 * loader) beside the same calls made directly on the servlet API, as inlined advice made them.
 * Both decide the request, set its attributes, open and close its scope.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class ServletHookBenchmark extends BenchmarkDefaults {
    private KeyedVerifier verifier;
    private RequestFacade request;
    private ResponseFacade response;

    @Setup
    public void setUp() throws Exception {
        TokenFixture fixture = new TokenFixture("HS256");
        verifier = TokenVerifiers.create(fixture.settings);
        AgentMetrics metrics = new AgentMetrics();
        InboundPolicy inbound = new InboundPolicy(verifier, true, false, PathPatterns.parse(List.of("/health")),
                "Authorization", 8192, metrics);
        BenchHooks.install(inbound, new OutboundPolicy(AllowedHosts.parse(List.of("internal")), "Authorization",
                System::currentTimeMillis), metrics);
        org.apache.coyote.Request coyoteRequest = new org.apache.coyote.Request();
        coyoteRequest.getMimeHeaders().addValue("Authorization").setString("Bearer " + fixture.token);
        request = new RequestFacade(new Request(new Connector("HTTP/1.1"), coyoteRequest));
        response = new ResponseFacade(new Response(new org.apache.coyote.Response()));
        Object state = ServletHooks.enter(request, response);
        ServletHooks.exit(state);
        request.removeAttribute(AgentBridge.DECISION_ATTRIBUTE);
        if (!(state instanceof RequestScope) || request.getAttribute(AgentBridge.SUBJECT_ATTRIBUTE) == null) {
            throw new IllegalStateException("the fixture token is not accepted");
        }
    }

    @TearDown
    public void tearDown() {
        verifier.close();
    }

    @Benchmark
    public Object servletHooks() {
        Object state = ServletHooks.enter(request, response);
        if (!(state instanceof RequestScope)) {
            throw new IllegalStateException("not decided as a fresh request");
        }
        ServletHooks.exit(state);
        request.removeAttribute(AgentBridge.DECISION_ATTRIBUTE);
        return state;
    }

    @Benchmark
    public Object baselineDirectCalls() {
        HttpServletRequest http = request;
        if (RequestScope.insideRequest() || http.getAttribute(AgentBridge.DECISION_ATTRIBUTE) instanceof InboundDecision) {
            throw new IllegalStateException("not a fresh request");
        }
        InboundDecision decision = AgentBridge.decideInbound(http.getHeaders(AgentBridge.inboundHeader()),
                http.getServletPath(), http.getPathInfo(), http.getQueryString());
        http.setAttribute(AgentBridge.DECISION_ATTRIBUTE, decision);
        if (decision.subject() != null) {
            http.setAttribute(AgentBridge.SUBJECT_ATTRIBUTE, decision.subject());
        }
        if (decision.claims() != null) {
            http.setAttribute(AgentBridge.CLAIMS_ATTRIBUTE, decision.claims());
        }
        RequestScope scope = RequestScope.open(request, decision.token());
        scope.close();
        request.removeAttribute(AgentBridge.DECISION_ATTRIBUTE);
        return scope;
    }
}
