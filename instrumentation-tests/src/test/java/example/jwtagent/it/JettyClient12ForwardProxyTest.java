package example.jwtagent.it;

import java.util.List;

/** {@link ForwardProxyContractTest} for Jetty 12's HttpClient, in a child JVM (this module runs a Jetty 9.4 server). */
class JettyClient12ForwardProxyTest extends ForwardProxyContractTest {
    @Override
    TestServer startService(String proxy) throws Exception {
        return ClientContractTest.childService(ChildJvm.main(RelayChild.class).classPath(JettyClient12ContractTest.classPath())
                .jvmArgument("-D" + DownstreamClients.PROXY_PROPERTY + "=" + proxy).start());
    }

    @Override
    List<String> clients() {
        return List.of("jetty12-through-proxy");
    }
}
