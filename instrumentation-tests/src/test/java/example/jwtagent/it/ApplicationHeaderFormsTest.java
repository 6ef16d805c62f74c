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
 * SPEC section 4, "the request does not already carry the outbound header": an {@code Authorization}
 * the application set in another case, empty, twice, or through the client's defaults, goes as the
 * application set it, never beside the token nor replaced by it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApplicationHeaderFormsTest {
    private TestServer service;
    private Downstream downstream;

    @BeforeAll
    void start() throws Exception {
        service = new TomcatJakartaServer(2);
        downstream = new Downstream();
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
        downstream.close();
    }

    static final List<String> CLIENTS = List.of("url-connection", "jdk-send", "jdk-async", "apache4", "apache4-async", "apache5", "apache5-async",
                "okhttp", "okhttp-async", "webclient", "rest-client-simple", "rest-client-jdk", "rest-client-apache5",
                "rest-client-okhttp", "rest-client-reactor");
    static final List<String> DEFAULTING = List.of("apache4", "okhttp", "okhttp-async", "webclient", "rest-client-simple", "rest-client-jdk",
                "rest-client-apache5", "rest-client-okhttp", "rest-client-reactor");

    static List<String> names() {
        List<String> names = new ArrayList<>();
        List<String> clients = CLIENTS;
        for (String form : List.of("lower", "upper", "empty", "twice")) {
            for (String client : clients) {
                names.add("form:" + form + ":" + client);
            }
        }
        for (String client : DEFAULTING) {
            names.add("form:default:" + client);
        }
        return names;
    }

    @ParameterizedTest
    @MethodSource("names")
    void theApplicationsOwnHeaderGoesAlone(String name) throws Exception {
        String form = name.split(":")[1];
        ClientContractTest.call(service, name, downstream.allowedUrl("/orders"), Tokens.valid("alice"), null);
        assertEquals(HeaderForms.expected(form), downstream.takeAuthorization());
    }
}
