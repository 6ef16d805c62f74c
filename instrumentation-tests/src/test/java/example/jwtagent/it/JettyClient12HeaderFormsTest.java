package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link ApplicationHeaderFormsTest} and {@link ApplicationCustomHeaderFormsTest} for Jetty 12's client, from a child JVM with Jetty 12. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JettyClient12HeaderFormsTest {
    private static final String CUSTOM = "X-Forwarded-Token";

    private final RelayServices authorization = new RelayServices(child -> { });
    private final RelayServices custom = new RelayServices(child -> child.agentSetting("outbound.header", CUSTOM));
    private Downstream downstream;

    @BeforeAll
    void start() throws Exception {
        downstream = new Downstream();
    }

    @AfterAll
    void stop() throws Exception {
        authorization.close();
        custom.close();
        downstream.close();
    }

    static List<String> names() {
        List<String> names = new ArrayList<>();
        for (String form : List.of("lower", "upper", "empty", "twice")) {
            names.add("form:" + form + ":jetty12");
            names.add("form:" + form + ":jetty12:" + CUSTOM);
        }
        return names;
    }

    @ParameterizedTest
    @MethodSource("names")
    void theApplicationsOwnHeaderGoesAlone(String name) throws Exception {
        String[] parts = name.split(":");
        String header = parts.length > 3 ? parts[3] : "Authorization";
        RelayServices services = parts.length > 3 ? custom : authorization;
        ClientContractTest.call(services.of("jetty12"), name, downstream.allowedUrl("/orders"), Tokens.valid("alice"), null);
        assertEquals(HeaderForms.expected(parts[1]), downstream.take().getHeaders().values(header));
    }

    @org.junit.jupiter.api.Test
    void withoutTheApplicationsHeaderTheTokenGoes() throws Exception {
        String token = Tokens.valid("alice");
        ClientContractTest.call(custom.of("jetty12"), "jetty12", downstream.allowedUrl("/orders"), token, null);
        assertEquals(List.of(token), downstream.take().getHeaders().values(CUSTOM));
    }
}
