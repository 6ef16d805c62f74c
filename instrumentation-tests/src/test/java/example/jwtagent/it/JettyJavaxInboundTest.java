package example.jwtagent.it;

class JettyJavaxInboundTest extends InboundContractTest {
    @Override
    TestServer startServer() throws Exception {
        return new JettyJavaxServer(4);
    }
}
