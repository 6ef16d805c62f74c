package example.jwtagent.it;

class JettyJavaxOutboundTest extends OutboundContractTest {
    @Override
    TestServer startServer() throws Exception {
        return new JettyJavaxServer(1);
    }
}
