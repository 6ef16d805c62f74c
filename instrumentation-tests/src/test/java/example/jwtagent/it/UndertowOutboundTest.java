package example.jwtagent.it;

/** SPEC section 4 for the JDK's clients on Undertow 2.3, with one worker thread (every request reuses it). */
class UndertowOutboundTest extends OutboundContractTest {
    @Override
    TestServer startServer() throws Exception {
        return new UndertowServer(1);
    }
}
