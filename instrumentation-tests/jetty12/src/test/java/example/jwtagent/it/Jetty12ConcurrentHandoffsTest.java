package example.jwtagent.it;

/** Many callers at once on Jetty 12 (ee10), with four workers. */
class Jetty12ConcurrentHandoffsTest extends ConcurrentHandoffsTest {
    @Override
    TestServer startServer() throws Exception {
        return new Jetty12Server(4);
    }
}
