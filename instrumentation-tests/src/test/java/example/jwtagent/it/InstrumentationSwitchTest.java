package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code jwt.agent.instrumentation.<name>.enabled=false} switches each client instrumentation off
 * (and only it): in a child JVM with those switches off, the client sends no token while the JDK
 * client, still instrumented, sends it in the same JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InstrumentationSwitchTest {
    private static final List<String> SWITCHED_OFF = List.of(
            "apache-httpclient-4", "apache-httpasyncclient-4", "apache-httpclient-5", "okhttp", "reactor-netty-http-client");

    private TestServer service;
    private Downstream downstream;

    @BeforeAll
    void start() throws Exception {
        ChildJvm.Builder child = ChildJvm.main(RelayChild.class);
        for (String name : SWITCHED_OFF) {
            child.agentSetting("instrumentation." + name + ".enabled", "false");
        }
        service = ClientContractTest.childService(child.start());
        downstream = new Downstream();
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        downstream.close();
    }

    @ParameterizedTest(name = "{0} off: {1}")
    @CsvSource({
            "apache-httpclient-4, apache4",
            "apache-httpasyncclient-4, apache4-async",
            "apache-httpclient-5, apache5",
            "apache-httpclient-5, apache5-async",
            "okhttp, okhttp",
            "okhttp, okhttp-async",
            "reactor-netty-http-client, webclient",
    })
    void switchedOffInstrumentationSendsNoToken(String instrumentation, String client) throws Exception {
        assertSwitchedOff(service, downstream, client);
    }

    @Test
    void jettyClient12SwitchedOffSendsNoToken() throws Exception {
        try (ChildJvm child = ChildJvm.main(RelayChild.class).classPath(JettyClient12ContractTest.classPath())
                .agentSetting("instrumentation.jetty-client-12.enabled", "false").start()) {
            assertSwitchedOff(ClientContractTest.childService(child), downstream, "jetty12");
        }
    }

    private static void assertSwitchedOff(TestServer service, Downstream downstream, String client) throws Exception {
        String token = Tokens.valid("alice");
        ClientContractTest.call(service, client, downstream.allowedUrl("/off"), token, null);
        assertEquals(Collections.emptyList(), downstream.takeAuthorization(), client + " must send nothing");
        ClientContractTest.call(service, "jdk-send", downstream.allowedUrl("/on"), token, null);
        assertEquals(List.of("Bearer " + token), downstream.takeAuthorization(), "the JDK client in the same JVM still does");
    }
}
