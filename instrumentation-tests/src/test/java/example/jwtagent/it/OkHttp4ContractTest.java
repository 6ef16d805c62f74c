package example.jwtagent.it;

import java.util.List;

/** OkHttp 4.x (execute and enqueue), in a child JVM: this module's class path has OkHttp 5. */
class OkHttp4ContractTest extends ClientContractTest {
    @Override
    TestServer startService() throws Exception {
        List<java.nio.file.Path> classPath = new java.util.ArrayList<>(ChildJvm.libs("okhttp4"));
        classPath.add(ChildJvm.testClasses());
        return childService(ChildJvm.main(RelayChild.class).classPath(classPath).start());
    }

    @Override
    List<String> clients() {
        return List.of("okhttp", "okhttp-async");
    }
}
