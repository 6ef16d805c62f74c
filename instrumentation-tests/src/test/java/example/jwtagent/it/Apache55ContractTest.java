package example.jwtagent.it;

import java.util.List;

/** Apache HttpClient 5.5, classic and async, in a child JVM (this module's class path has 5.6). */
class Apache55ContractTest extends ClientContractTest {
    @Override
    TestServer startService() throws Exception {
        return childService(ChildJvm.main(RelayChild.class).classPath(ChildJvm.libsAndTestClasses("apache5-5-5")).start());
    }

    @Override
    List<String> clients() {
        return List.of("apache5", "apache5-async");
    }
}
