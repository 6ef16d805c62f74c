package example.jwtagent.it;

import java.util.List;

/**
 * {@link ForwardProxyContractTest} for the JDK's clients, Apache 4 and 5, OkHttp and WebClient on
 * Reactor Netty, called from Tomcat 11 in this JVM.
 */
class ForwardProxyTest extends ForwardProxyContractTest {
    @Override
    TestServer startService(String proxy) throws Exception {
        System.setProperty(DownstreamClients.PROXY_PROPERTY, proxy);
        return new TomcatJakartaServer(2);
    }

    @Override
    List<String> clients() {
        return List.of("url-connection-through-proxy", "jdk-send-through-proxy", "jdk-async-through-proxy",
                "apache4-through-proxy", "apache4-async-through-proxy", "apache5-through-proxy", "apache5-async-through-proxy",
                "okhttp-through-proxy", "okhttp-async-through-proxy", "webclient-through-proxy");
    }

    @Override
    boolean tunnelsPlainCalls(String client) {
        return client.equals("webclient-through-proxy");
    }
}
