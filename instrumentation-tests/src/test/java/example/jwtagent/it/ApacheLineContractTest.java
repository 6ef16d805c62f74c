package example.jwtagent.it;

import java.util.List;

/**
 * {@link ClientContractTest} on one line of Apache HttpClient 5, classic and async, in a child JVM
 * with that line's class path set (this module's class path has 5.6).
 */
abstract class ApacheLineContractTest extends ClientContractTest {
    /** The child class path set ({@link ChildJvm#libs}) that holds the line. */
    abstract String libs();

    @Override
    TestServer startService() throws Exception {
        return childService(ChildJvm.main(RelayChild.class).classPath(ChildJvm.libsAndTestClasses(libs())).start());
    }

    @Override
    List<String> clients() {
        return List.of("apache5", "apache5-async");
    }
}
