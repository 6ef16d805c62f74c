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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The servlet entry for a request with a repeated valid token (HS256, or RS256 with its longer
 * header), on Tomcat's own request and response objects: the agent's hooks (the request used
 * through reflection, as from the bootstrap loader) beside the same calls made directly on the
 * servlet API, as inlined advice made them.
 * Both decide the request, set its attributes, open and close its scope. The header is put back
 * into the request as bytes before each call, as Tomcat's parser leaves it for every request, so
 * that reading it costs what it costs in a server. A third arm alternates two valid tokens, so that
 * the header is never the one the thread verified last: the hooks then read it through the servlet
 * API, after comparing it with that one. A fourth arm is a request without a token, let through:
 * the hooks also look for the agent's attributes there, which only something ahead of the agent
 * could have put.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class ServletHookBenchmark extends BenchmarkDefaults {
    @Param({"HS256", "RS256"})
    public String alg;

    private KeyedVerifier verifier;
    private RequestFacade request;
    private ResponseFacade response;
    private org.apache.tomcat.util.buf.MessageBytes header;
    private byte[] headerBytes;
    private RequestFacade otherRequest;
    private org.apache.tomcat.util.buf.MessageBytes otherHeader;
    private byte[] otherHeaderBytes;
    private RequestFacade tokenless;

    @Setup
    public void setUp() throws Exception {
        TokenFixture fixture = new TokenFixture(alg);
        verifier = TokenVerifiers.create(fixture.settings);
        AgentMetrics metrics = new AgentMetrics();
        InboundPolicy inbound = new InboundPolicy(verifier, true, false, PathPatterns.parse(List.of("/health")),
                "Authorization", 8192, metrics);
        BenchHooks.install(inbound, new OutboundPolicy(AllowedHosts.parse(List.of("internal")), "Authorization",
                System::currentTimeMillis), metrics);
        Connector connector = new Connector("HTTP/1.1");
        org.apache.coyote.Request coyoteRequest = new org.apache.coyote.Request();
        header = coyoteRequest.getMimeHeaders().addValue("Authorization");
        headerBytes = ("Bearer " + fixture.token).getBytes(StandardCharsets.ISO_8859_1);
        request = new RequestFacade(new Request(connector, coyoteRequest));
        org.apache.coyote.Request otherCoyoteRequest = new org.apache.coyote.Request();
        otherHeader = otherCoyoteRequest.getMimeHeaders().addValue("Authorization");
        otherHeaderBytes = ("Bearer " + fixture.anotherToken("user-0815")).getBytes(StandardCharsets.ISO_8859_1);
        otherRequest = new RequestFacade(new Request(connector, otherCoyoteRequest));
        tokenless = new RequestFacade(new Request(connector, new org.apache.coyote.Request()));
        response = new ResponseFacade(new Response(new org.apache.coyote.Response()));
        for (RequestFacade each : new RequestFacade[] {otherRequest, request}) {
            freshHeaders();
            if (!decidedAsFresh(each) || each.getAttribute(AgentBridge.SUBJECT_ATTRIBUTE) == null) {
                throw new IllegalStateException("the fixture tokens are not accepted");
            }
        }
    }

    /** The headers as bytes again, as a new request arrives: Tomcat keeps a String only once asked for one. */
    private void freshHeaders() {
        header.setBytes(headerBytes, 0, headerBytes.length);
        otherHeader.setBytes(otherHeaderBytes, 0, otherHeaderBytes.length);
    }

    @TearDown
    public void tearDown() {
        verifier.close();
    }

    @Benchmark
    public boolean servletHooks() {
        freshHeaders();
        if (!decidedAsFresh(request)) {
            throw new IllegalStateException("not decided as a fresh request");
        }
        return true;
    }

    /** Two requests a call, each with the token the other one carries: the remembered header never matches. */
    @Benchmark
    public boolean servletHooksAlternatingTokens() {
        freshHeaders();
        if (!decidedAsFresh(otherRequest) || !decidedAsFresh(request)) {
            throw new IllegalStateException("not decided as fresh requests");
        }
        return true;
    }

    /** A request without a token, let through (the decision attribute, which names it, removed after it). */
    @Benchmark
    public boolean servletHooksNoToken() {
        Object state = ServletHooks.enter(tokenless, response);
        boolean opened = state != null && RequestScope.insideRequest();
        ServletHooks.exit(state);
        tokenless.removeAttribute(AgentBridge.DECISION_ATTRIBUTE);
        if (!opened || tokenless.getAttribute(AgentBridge.SUBJECT_ATTRIBUTE) != null) {
            throw new IllegalStateException("not let through without a subject");
        }
        return true;
    }

    /**
     * One request through the hooks, as the container calls them; whether they opened a request
     * scope (a request let through, not one inside another). The claims attribute, which names
     * the decision, is removed after it, so that the next call is a fresh request again.
     */
    private boolean decidedAsFresh(RequestFacade each) {
        Object state = ServletHooks.enter(each, response);
        boolean opened = state != null && RequestScope.insideRequest();
        ServletHooks.exit(state);
        each.removeAttribute(AgentBridge.CLAIMS_ATTRIBUTE);
        return opened;
    }

    @Benchmark
    public Object baselineDirectCalls() {
        freshHeaders();
        HttpServletRequest http = request;
        if (RequestScope.insideRequest() || http.getAttribute(AgentBridge.CLAIMS_ATTRIBUTE) != null) {
            throw new IllegalStateException("not a fresh request");
        }
        InboundDecision decision = AgentBridge.decideInbound(http.getHeaders(AgentBridge.inboundHeader()),
                http.getServletPath(), http.getPathInfo(), http.getQueryString());
        if (decision.claims() != null) {
            http.setAttribute(AgentBridge.CLAIMS_ATTRIBUTE, decision.claims());
        }
        if (decision.subject() != null) {
            http.setAttribute(AgentBridge.SUBJECT_ATTRIBUTE, decision.subject());
        }
        RequestScope scope = RequestScope.open(request, decision.token());
        scope.close();
        request.removeAttribute(AgentBridge.CLAIMS_ATTRIBUTE);
        return scope;
    }
}
