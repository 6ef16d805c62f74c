package dev.jwtagent.inbound;

import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.TypeMatch;

/** Matchers shared by the javax and jakarta servlet instrumentations; {@code pkg} is the API package. */
final class ServletMatchers {
    private ServletMatchers() {
    }

    /**
     * Every class or interface that declares an entry method with code, in class loaders that have
     * the servlet API: a servlet or filter, an interface with it as a default method, a super class
     * that is neither (a filter that inherits its {@code doFilter} from either would otherwise run
     * before the request is decided), and a container's own wrapper (Jetty's {@code FilterHolder},
     * which then decides, one frame before the first filter). As everywhere, the outermost such
     * call on a thread decides; the calls inside it do nothing.
     * Both entry methods' descriptors start with the same text, which such a class holds in its
     * constant pool; only the few class files that have it are read further.
     */
    static TypeMatch servletsAndFilters(String pkg) {
        String internal = pkg.replace('.', '/');
        return TypeMatch.subtypesOf(pkg + ".Servlet", pkg + ".Filter", pkg + ".FilterChain").inLoadersWithAnyOf(pkg + ".Servlet")
                .declaring(entryMethods(pkg), "(L" + internal + "/ServletRequest;L" + internal + "/ServletResponse;")
                .orAnyTypeDeclaringThem();
    }

    /**
     * {@code Servlet.service(ServletRequest, ServletResponse)}, {@code Filter.doFilter(req, res, chain)}
     * and {@code FilterChain.doFilter(req, res)}. The chain is what a container calls first (Tomcat's
     * {@code ApplicationFilterChain}): a filter that is a lambda, a method reference or a proxy is a
     * class no agent can rewrite, and without the chain it would run, and could answer, before the
     * request is decided.
     */
    static MethodMatch entryMethods(String pkg) {
        MethodMatch doFilter = MethodMatch.named("doFilter").arguments(3)
                .argument(0, pkg + ".ServletRequest").argument(1, pkg + ".ServletResponse").argument(2, pkg + ".FilterChain")
                .notAbstract();
        MethodMatch chainDoFilter = MethodMatch.named("doFilter").arguments(2)
                .argument(0, pkg + ".ServletRequest").argument(1, pkg + ".ServletResponse")
                .notAbstract();
        return MethodMatch.named("service").arguments(2)
                .argument(0, pkg + ".ServletRequest").argument(1, pkg + ".ServletResponse")
                .notAbstract()
                .or(doFilter)
                .or(chainDoFilter);
    }
}
