package dev.jwtagent.inbound;

import net.bytebuddy.description.method.MethodDescription;
import dev.jwtagent.instrument.TypeMatch;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/** Matchers shared by the javax and jakarta servlet instrumentations; {@code pkg} is the API package. */
final class ServletMatchers {
    private ServletMatchers() {
    }

    /** Every servlet and filter class, in class loaders that have the servlet API. */
    static TypeMatch servletsAndFilters(String pkg) {
        return TypeMatch.subtypesOf(name -> true, pkg + ".Servlet", pkg + ".Filter").inLoadersWithAnyOf(pkg + ".Servlet");
    }

    /** {@code Servlet.service(ServletRequest, ServletResponse)} and {@code Filter.doFilter(req, res, chain)}. */
    static ElementMatcher.Junction<MethodDescription> entryMethods(String pkg) {
        ElementMatcher.Junction<MethodDescription> service = named("service").and(takesArguments(2))
                .and(takesArgument(0, named(pkg + ".ServletRequest")))
                .and(takesArgument(1, named(pkg + ".ServletResponse")));
        ElementMatcher.Junction<MethodDescription> doFilter = named("doFilter").and(takesArguments(3))
                .and(takesArgument(0, named(pkg + ".ServletRequest")))
                .and(takesArgument(1, named(pkg + ".ServletResponse")))
                .and(takesArgument(2, named(pkg + ".FilterChain")));
        return not(isAbstract()).and(service.or(doFilter));
    }
}
