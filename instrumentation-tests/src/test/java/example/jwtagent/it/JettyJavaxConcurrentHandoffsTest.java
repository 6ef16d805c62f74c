package example.jwtagent.it;

class JettyJavaxConcurrentHandoffsTest extends ConcurrentHandoffsTest {
    @Override
    TestServer startServer() throws Exception {
        return new JettyJavaxServer(4);
    }
}
