package dev.jwtagent.inbound;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/** Matchers shared by the javax and jakarta servlet instrumentations; {@code pkg} is the API package. */
final class ServletMatchers {
    private ServletMatchers() {
    }

    static ElementMatcher.Junction<TypeDescription> servletsAndFilters(String pkg) {
        return not(isInterface()).and(hasSuperType(namedOneOf(pkg + ".Servlet", pkg + ".Filter")));
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
