package example.jwtagent.it;

import java.util.List;

/**
 * Apache HttpClient 4 and 5 (classic and async), OkHttp 5 (execute and enqueue), Spring's
 * RestTemplate and RestClient over every request factory, and WebClient on Reactor Netty (block
 * and subscribe-then-wait), called from Tomcat 11 in this JVM.
 */
class HttpClientsContractTest extends ClientContractTest {
    @Override
    TestServer startService() throws Exception {
        return new TomcatJakartaServer(2);
    }

    @Override
    List<String> clients() {
        return List.of("apache4", "apache4-async", "apache5", "apache5-async", "okhttp", "okhttp-async",
                "rest-template-simple", "rest-template-jdk", "rest-template-apache5", "rest-template-okhttp", "rest-template-reactor",
                "rest-client-simple", "rest-client-jdk", "rest-client-apache5", "rest-client-okhttp", "rest-client-reactor",
                "webclient", "webclient-subscribe");
    }
}
