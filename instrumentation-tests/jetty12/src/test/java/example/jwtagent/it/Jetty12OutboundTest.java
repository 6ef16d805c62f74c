package example.jwtagent.it;

/** SPEC section 4 for the JDK's clients on Jetty 12 (ee10), with one worker thread (every request reuses it). */
class Jetty12OutboundTest extends OutboundContractTest {
    @Override
    TestServer startServer() throws Exception {
        return new Jetty12Server(1);
    }
}
