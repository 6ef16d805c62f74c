package example.jwtagent.it;

/** As Jetty12InboundTest, on Jetty's ExecutorThreadPool (a JDK ThreadPoolExecutor, whose hand-offs carry tokens). */
class Jetty12JdkPoolInboundTest extends InboundContractTest {
    @Override
    TestServer startServer() throws Exception {
        return new Jetty12Server(4, true);
    }
}
