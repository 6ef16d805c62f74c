package example.jwtagent.it;

import java.util.List;

/**
 * The oldest lines the Apache instrumentations claim: HttpClient 4.3 (classic) and 5.1 (classic
 * and async), in a child JVM (this module's class path has 4.5 and 5.6).
 */
class ApacheOldestContractTest extends ClientContractTest {
    @Override
    TestServer startService() throws Exception {
        return childService(ChildJvm.main(RelayChild.class).classPath(ChildJvm.libsAndTestClasses("apache-oldest")).start());
    }

    @Override
    List<String> clients() {
        return List.of("apache4", "apache5", "apache5-async");
    }
}
