package example.jwtagent.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Jetty's scheduler is its own timer, shared by every caller: a task on it runs with no token,
 * whoever scheduled it, and so does the task it schedules in turn (Jetty's request timeouts
 * schedule the next from the expiring one; with the first caller's token carried on, another
 * caller's failed request's listener ran with it). Jetty 9.4's jetty-util in this JVM (Tomcat
 * 11 calls), Jetty 12's in a child JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JettySchedulerTest {
    private Downstream downstream;

    @BeforeAll
    void start() throws Exception {
        downstream = new Downstream();
    }

    @AfterAll
    void stop() throws Exception {
        downstream.close();
    }

    @Test
    void tasksOnJetty94sSchedulerRunWithoutTheSchedulingCallersToken() throws Exception {
        try (TestServer service = new TomcatJakartaServer(2)) {
            assertTasksRunWithoutToken(service);
        }
    }

    @Test
    void tasksOnJetty12sSchedulerRunWithoutTheSchedulingCallersToken() throws Exception {
        try (TestServer service = ClientContractTest.childService(
                ChildJvm.main(RelayChild.class).classPath(JettyClient12ContractTest.classPath()).start())) {
            assertTasksRunWithoutToken(service);
        }
    }

    private void assertTasksRunWithoutToken(TestServer service) throws Exception {
        ClientContractTest.call(service, "jetty-scheduler-twice", downstream.allowedUrl("/orders"), Tokens.valid("alice"), null);
        assertEquals(List.of(), downstream.takeAuthorization(), "the call made by the task the first task scheduled");
    }
}
