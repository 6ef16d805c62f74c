package example.jwtagent.it;

import java.util.List;

/** {@link SharedClientRedirectCallersTest} with Jetty 12's client, in a child JVM: this module runs a Jetty 9.4 server. */
class JettyClient12SharedRedirectCallersTest extends SharedClientRedirectCallersTest {
    @Override
    TestServer startService() throws Exception {
        return ClientContractTest.childService(ChildJvm.main(RelayChild.class).classPath(JettyClient12ContractTest.classPath()).start());
    }

    @Override
    List<String> clients() {
        return List.of("jetty12-one-connection-shared", "jetty12-one-connection-shared-then-nested",
                "jetty12-own-executor-one-connection-shared", "jetty12-own-executor-one-connection-shared-then-nested");
    }
}
