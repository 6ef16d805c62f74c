package dev.jwtagent.inbound;

import dev.jwtagent.instrument.AdviceSupport;
import dev.jwtagent.instrument.AgentInstrumentation;
import dev.jwtagent.instrument.Around;
import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.Rules;
import dev.jwtagent.instrument.TypeMatch;

/**
 * Captures and verifies the bearer token at the outermost filter or servlet call of a request,
 * answers 401/400 itself when the agent refuses it, and scopes the token to that call:
 * {@code dev.jwtagent.bootstrap.ServletHooks} runs around {@code service} and {@code doFilter}.
 * One instance per servlet API package ({@code jakarta.servlet}, {@code javax.servlet}); the
 * hooks are the same for both.
 */
public final class ServletEntryInstrumentation implements AgentInstrumentation {
    /**
     * Tomcat's request facade, what the application holds: its attribute methods see the attributes the
     * hooks keep elsewhere. The facade rather than the request behind it, whose constant pool is about six
     * times larger: rewriting a class copies its constant pool, at startup in interpreted code; that
     * request's took 10 to 27 ms on the benchmark machine, the facade's under 1 ms.
     */
    private static final String TOMCAT_REQUEST_FACADE = "org.apache.catalina.connector.RequestFacade";

    private final String name;
    private final String apiPackage;

    private ServletEntryInstrumentation(String name, String apiPackage) {
        this.name = name;
        this.apiPackage = apiPackage;
    }

    public static ServletEntryInstrumentation jakarta() {
        return new ServletEntryInstrumentation("servlet-jakarta", "jakarta.servlet");
    }

    public static ServletEntryInstrumentation javax() {
        return new ServletEntryInstrumentation("servlet-javax", "javax.servlet");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean admitsRequests() {
        return true;
    }

    @Override
    public Rules install(Rules rules, AdviceSupport support) {
        return rules
                .type(ServletMatchers.servletsAndFilters(apiPackage))
                .transform(Around.servletEntry(ServletMatchers.entryMethods(apiPackage)))
                // Where the hooks keep a Tomcat request's attributes: see dev.jwtagent.bootstrap.TomcatAttributes.
                .type(TypeMatch.named(TOMCAT_REQUEST_FACADE).inLoadersWithAnyOf(apiPackage + ".http.HttpServletRequest"))
                .transform(Around.surfacingAttribute(MethodMatch.named("removeAttribute").onlyArgument(String.class).notAbstract()))
                .transform(Around.surfacingReplacedAttribute(MethodMatch.named("setAttribute").argument(0, String.class).arguments(2).notAbstract()))
                .transform(Around.surfacingAttributes(MethodMatch.named("getAttributeNames").arguments(0).notAbstract()));
    }
}
