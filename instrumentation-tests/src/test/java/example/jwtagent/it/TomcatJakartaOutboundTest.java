package example.jwtagent.it;

class TomcatJakartaOutboundTest extends OutboundContractTest {
    @Override
    TestServer startServer() throws Exception {
        return new TomcatJakartaServer(1);
    }
}
