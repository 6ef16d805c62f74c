package example.jwtagent.it;

import java.util.List;

/** {@link ChallengeContractTest} for Jetty 12's HttpClient, in a child JVM (this module runs a Jetty 9.4 server). */
class JettyClient12ChallengeTest extends ChallengeContractTest {
    @Override
    TestServer startService() throws Exception {
        return ClientContractTest.childService(ChildJvm.main(RelayChild.class).classPath(JettyClient12ContractTest.classPath()).start());
    }

    @Override
    List<String> clients() {
        return List.of("jetty12-answering-challenge");
    }
}
