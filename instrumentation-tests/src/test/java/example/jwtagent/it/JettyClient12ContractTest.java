package example.jwtagent.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Jetty 12's HttpClient (send and send with a listener), in a child JVM: this module runs a Jetty 9.4 server. */
class JettyClient12ContractTest extends ClientContractTest {
    static List<Path> classPath() {
        List<Path> classPath = new ArrayList<>(ChildJvm.libs("jetty12"));
        classPath.add(ChildJvm.testClasses());
        return classPath;
    }

    @Override
    TestServer startService() throws Exception {
        return childService(ChildJvm.main(RelayChild.class).classPath(classPath()).start());
    }

    @Override
    List<String> clients() {
        return List.of("jetty12", "jetty12-async");
    }
}
