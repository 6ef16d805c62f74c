package dev.jwtagent.inbound;

import dev.jwtagent.bootstrap.AgentBridge;
import dev.jwtagent.bootstrap.InboundDecision;
import dev.jwtagent.bootstrap.RequestScope;
import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Rules;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import net.bytebuddy.asm.Advice;

/**
 * Captures and verifies the bearer token at the outermost {@code jakarta.servlet} filter or servlet
 * call of a request, answers 401/400 itself when the agent refuses it, and scopes the token to
 * that call.
 *
 * <p>Its twin {@link JavaxServletInstrumentation} is the same advice over the other servlet
 * package: advice is inlined into the servlet class and must name that class's own API types, so
 * the two cannot share one body. Change both together.
 */
public final class JakartaServletInstrumentation implements AgentInstrumentation {
    @Override
    public String name() {
        return "servlet-jakarta";
    }

    @Override
    public boolean admitsRequests() {
        return true;
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        return rules
                .type(ServletMatchers.servletsAndFilters("jakarta.servlet"))
                .transform(support.advice(ServletMatchers.entryMethods("jakarta.servlet"), EntryAdvice.class.getName()));
    }

    public static final class EntryAdvice {
        private EntryAdvice() {
        }

        /**
         * Returns false to skip the method: the request was answered here. If this advice fails,
         * the method is skipped too and {@code decided} stays false, so the exit advice answers 401.
         */
        @Advice.OnMethodEnter(skipOn = Advice.OnDefaultValue.class, suppress = Throwable.class)
        public static boolean enter(@Advice.Argument(0) Object request, @Advice.Argument(1) Object response,
                                    @Advice.Local("jwtAgentScope") RequestScope scope,
                                    @Advice.Local("jwtAgentDecided") boolean decided) throws java.io.IOException {
            if (RequestScope.insideRequest()
                    || !(request instanceof HttpServletRequest) || !(response instanceof HttpServletResponse)) {
                decided = true;
                return true;
            }
            HttpServletRequest http = (HttpServletRequest) request;
            Object earlier = http.getAttribute(AgentBridge.DECISION_ATTRIBUTE);
            InboundDecision decision;
            if (earlier instanceof InboundDecision) {
                // A later dispatch (async, error, forward from another thread) of a request already decided.
                decision = (InboundDecision) earlier;
            } else {
                decision = AgentBridge.decideInbound(http.getHeaders(AgentBridge.inboundHeader()),
                        http.getServletPath(), http.getPathInfo(), http.getQueryString());
                if (decision.rejects()) {
                    HttpServletResponse answer = (HttpServletResponse) response;
                    byte[] body = decision.body();
                    answer.setStatus(decision.rejectStatus());
                    answer.setHeader("WWW-Authenticate", decision.wwwAuthenticate());
                    answer.setHeader("Cache-Control", "no-store");
                    answer.setContentType("application/json");
                    answer.setContentLength(body.length);
                    answer.getOutputStream().write(body);
                    answer.flushBuffer();
                    decided = true;
                    return false;
                }
                http.setAttribute(AgentBridge.DECISION_ATTRIBUTE, decision);
                if (decision.subject() != null) {
                    http.setAttribute(AgentBridge.SUBJECT_ATTRIBUTE, decision.subject());
                }
                if (decision.claims() != null) {
                    http.setAttribute(AgentBridge.CLAIMS_ATTRIBUTE, decision.claims());
                }
            }
            scope = RequestScope.open(request, decision.token());
            decided = true;
            return true;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void exit(@Advice.Argument(1) Object response, @Advice.Local("jwtAgentScope") RequestScope scope,
                                @Advice.Local("jwtAgentDecided") boolean decided) {
            if (scope != null) {
                scope.close();
            }
            if (!decided && response instanceof HttpServletResponse && !((HttpServletResponse) response).isCommitted()) {
                // The enter advice failed: fail closed.
                HttpServletResponse answer = (HttpServletResponse) response;
                answer.setStatus(401);
                answer.setHeader("WWW-Authenticate", AgentBridge.INTERNAL_ERROR_CHALLENGE);
                answer.setHeader("Cache-Control", "no-store");
            }
        }
    }
}
