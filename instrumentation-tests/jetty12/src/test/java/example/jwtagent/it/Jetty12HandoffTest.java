package example.jwtagent.it;

/** SPEC section 5 on Jetty 12 (ee10): AsyncContext.start and dispatch run on its QueuedThreadPool (two workers). */
class Jetty12HandoffTest extends HandoffContractTest {
    @Override
    TestServer startServer() throws Exception {
        return new Jetty12Server(2);
    }
}
