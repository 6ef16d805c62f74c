package example.jwtagent.it;

class TomcatJakartaInboundTest extends InboundContractTest {
    @Override
    TestServer startServer() throws Exception {
        return new TomcatJakartaServer(4);
    }
}
