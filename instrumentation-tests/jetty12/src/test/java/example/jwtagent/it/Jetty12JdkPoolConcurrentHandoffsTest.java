package example.jwtagent.it;

/** As Jetty12ConcurrentHandoffsTest, on Jetty's ExecutorThreadPool (a JDK ThreadPoolExecutor, whose hand-offs carry tokens). */
class Jetty12JdkPoolConcurrentHandoffsTest extends ConcurrentHandoffsTest {
    @Override
    TestServer startServer() throws Exception {
        return new Jetty12Server(4, true);
    }
}
