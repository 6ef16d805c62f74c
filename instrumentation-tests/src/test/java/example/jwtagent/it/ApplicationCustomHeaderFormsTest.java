package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ApplicationHeaderFormsTest} with {@code outbound.header} set to a header of the service's
 * own: the application's value of it, in any case, empty, twice or from the client's defaults,
 * goes alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApplicationCustomHeaderFormsTest {
    private static final String HEADER = "X-Forwarded-Token";

    private final RelayServices services = new RelayServices(child -> child.agentSetting("outbound.header", HEADER));
    private Downstream downstream;

    @BeforeAll
    void start() throws Exception {
        downstream = new Downstream();
    }

    @AfterAll
    void stop() throws Exception {
        services.close();
        downstream.close();
    }

    static List<String> names() {
        List<String> names = new ArrayList<>();
        for (String form : List.of("lower", "upper", "empty", "twice")) {
            for (String client : ApplicationHeaderFormsTest.CLIENTS) {
                names.add("form:" + form + ":" + client + ":" + HEADER);
            }
        }
        for (String client : ApplicationHeaderFormsTest.DEFAULTING) {
            names.add("form:default:" + client + ":" + HEADER);
        }
        return names;
    }

    @ParameterizedTest
    @MethodSource("names")
    void theApplicationsOwnHeaderGoesAlone(String name) throws Exception {
        String form = name.split(":")[1];
        ClientContractTest.call(services.of(RelayServices.MODULE), name, downstream.allowedUrl("/orders"), Tokens.valid("alice"), null);
        assertEquals(HeaderForms.expected(form), downstream.take().getHeaders().values(HEADER));
    }

    @org.junit.jupiter.api.Test
    void withoutTheApplicationsHeaderTheTokenGoes() throws Exception {
        String token = Tokens.valid("alice");
        ClientContractTest.call(services.of(RelayServices.MODULE), "okhttp", downstream.allowedUrl("/orders"), token, null);
        assertEquals(List.of(token), downstream.take().getHeaders().values(HEADER));
    }
}
