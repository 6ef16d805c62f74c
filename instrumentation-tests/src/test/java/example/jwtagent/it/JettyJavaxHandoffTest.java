package example.jwtagent.it;

class JettyJavaxHandoffTest extends HandoffContractTest {
    @Override
    TestServer startServer() throws Exception {
        return new JettyJavaxServer(2);
    }
}
