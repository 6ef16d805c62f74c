package example.jwtagent.it;

class TomcatJakartaConcurrentHandoffsTest extends ConcurrentHandoffsTest {
    @Override
    TestServer startServer() throws Exception {
        return new TomcatJakartaServer(4);
    }
}
