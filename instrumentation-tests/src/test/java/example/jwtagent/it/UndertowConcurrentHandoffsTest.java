package example.jwtagent.it;

class UndertowConcurrentHandoffsTest extends ConcurrentHandoffsTest {
    @Override
    TestServer startServer() throws Exception {
        return new UndertowServer(4);
    }
}
