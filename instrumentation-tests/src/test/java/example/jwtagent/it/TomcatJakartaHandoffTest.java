package example.jwtagent.it;

class TomcatJakartaHandoffTest extends HandoffContractTest {
    @Override
    TestServer startServer() throws Exception {
        return new TomcatJakartaServer(2);
    }
}
