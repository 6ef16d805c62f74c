package dev.jwtagent.inbound;

import dev.jwtagent.instrument.MethodMatch;
import dev.jwtagent.instrument.TypeMatch;

/** Matchers shared by the javax and jakarta servlet instrumentations; {@code pkg} is the API package. */
final class ServletMatchers {
    private ServletMatchers() {
    }

    /**
     * Every servlet and filter class that declares an entry method, in class loaders that have the
     * servlet API, and every interface extending {@code Servlet} or {@code Filter} that declares one
     * as a default method (a filter that inherits its {@code doFilter} from it would otherwise run
     * before the request is decided).
     * Both entry methods' descriptors start with the same text, which such a class holds in its
     * constant pool; only the few class files that have it are read further.
     */
    static TypeMatch servletsAndFilters(String pkg) {
        String internal = pkg.replace('.', '/');
        return TypeMatch.subtypesOf(pkg + ".Servlet", pkg + ".Filter").inLoadersWithAnyOf(pkg + ".Servlet")
                .declaring(entryMethods(pkg), "(L" + internal + "/ServletRequest;L" + internal + "/ServletResponse;")
                .includingInterfaces();
    }

    /** {@code Servlet.service(ServletRequest, ServletResponse)} and {@code Filter.doFilter(req, res, chain)}. */
    static MethodMatch entryMethods(String pkg) {
        MethodMatch doFilter = MethodMatch.named("doFilter").arguments(3)
                .argument(0, pkg + ".ServletRequest").argument(1, pkg + ".ServletResponse").argument(2, pkg + ".FilterChain")
                .notAbstract();
        return MethodMatch.named("service").arguments(2)
                .argument(0, pkg + ".ServletRequest").argument(1, pkg + ".ServletResponse")
                .notAbstract()
                .or(doFilter);
    }
}
